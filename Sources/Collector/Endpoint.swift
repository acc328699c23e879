/// A webhook endpoint: which platform's request shape and credential it checks, and the folder
/// under `--data` its events are stored in.
public enum Endpoint: Sendable, Equatable, Hashable, CustomStringConvertible {
  /// `POST /v1/customerio`: Customer.io reporting webhooks, one event per request, signed with
  /// `X-CIO-Signature` = hex HMAC-SHA256(secret, "v0:" + `X-CIO-Timestamp` + ":" + body).
  case customerio
  /// `POST /v1/klaviyo`: Klaviyo system webhooks, `{"data": [events], "meta": {…}}`, signed
  /// with `Klaviyo-Signature` = hex HMAC-SHA256(secret, body + `Klaviyo-Timestamp`).
  case klaviyo
  /// `POST /v1/iterable`: Iterable system webhooks, one event per request; the `Authorization`
  /// value configured in Iterable.
  case iterable
  /// `POST /v1/braze`: Braze Currents' custom HTTP connector, `{"events": [up to 100]}`,
  /// `Authorization: Bearer <token>`.
  case braze
  /// `POST /v1/events/<name>`: a generic endpoint for a sender of your own, bearer token; JSON
  /// lines, a JSON array of objects, or one object.
  case generic(String)

  /// The four platform endpoints, in the order help and logs list them.
  public static let platforms: [Endpoint] = [.customerio, .klaviyo, .iterable, .braze]

  /// The key in the secrets file and the folder under `--data` (`events/<name>` for generic).
  public var name: String {
    switch self {
    case .customerio: return "customerio"
    case .klaviyo: return "klaviyo"
    case .iterable: return "iterable"
    case .braze: return "braze"
    case .generic(let name): return "events/" + name
    }
  }

  /// The request path.
  public var path: String { "/v1/" + name }

  /// Whether the platform signs requests with an HMAC (so a secret is mandatory).
  public var isSigned: Bool { self == .customerio || self == .klaviyo }

  /// The endpoint of a request path, nil for any other path. A generic name is 1–64 of
  /// `a-z 0-9 _ -`, starting with a letter or digit (it becomes a folder name).
  public static func at(path: String) -> Endpoint? {
    switch path {
    case "/v1/customerio": return .customerio
    case "/v1/klaviyo": return .klaviyo
    case "/v1/iterable": return .iterable
    case "/v1/braze": return .braze
    default:
      guard path.hasPrefix("/v1/events/") else { return nil }
      let name = String(path.dropFirst("/v1/events/".count))
      return isGenericName(name) ? .generic(name) : nil
    }
  }

  /// Whether `name` may name a generic endpoint (and so a folder).
  public static func isGenericName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard (1...64).contains(bytes.count) else { return false }
    func allowed(_ c: UInt8, first: Bool) -> Bool {
      (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || (!first && (c == UInt8(ascii: "_") || c == UInt8(ascii: "-")))
    }
    return bytes.enumerated().allSatisfy { allowed($0.element, first: $0.offset == 0) }
  }

  public var description: String { name }
}
