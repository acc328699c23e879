#if canImport(Glibc)
  import Glibc
#endif
import Ingest

/// Which endpoints are enabled and the secret each checks, from the secrets file and the
/// environment. Secrets are held as bytes and never printed: `summary` names where each came
/// from, not what it is.
///
/// The file is a JSON object of endpoint name → secret: `customerio`, `klaviyo` (signing
/// secrets), `iterable`, `braze` (tokens), `events` (every `/v1/events/<name>`) and
/// `events/<name>` (one generic endpoint, taking precedence). `null` enables an endpoint
/// without a credential, which only `iterable`, `braze` and the generic endpoints allow, and
/// only on a loopback address. An endpoint absent from both sources is disabled (404).
/// Environment variables `HOLDOUT_SECRET_CUSTOMERIO`, `…_KLAVIYO`, `…_ITERABLE`, `…_BRAZE`,
/// `…_EVENTS` override the file.
public struct Credentials: Sendable {
  /// What an endpoint checks.
  public enum Check: Sendable, Equatable {
    case disabled
    /// Enabled without a credential (loopback only).
    case open
    case secret([UInt8])
  }

  struct Entry: Sendable {
    var name: String
    var secret: [UInt8]?
    var origin: String
  }

  private var entries: [Entry] = []

  /// The names a secrets file may use, besides `events/<name>`.
  static let fixedNames = ["customerio", "klaviyo", "iterable", "braze", "events"]

  public init() {}

  /// Reads the file (if given) and the environment.
  public static func load(file: String?, environment: [String: String]) throws(CollectorError) -> Credentials {
    var credentials = Credentials()
    if let file {
      let bytes: [UInt8]
      do { bytes = try ByteSource(path: file).readAll(limit: 1 << 20, what: "a secrets file") } catch {
        if case .fileNotFound = error { throw .missingInput(path: file, reason: "no such secrets file; write a JSON object of endpoint name → secret") }
        throw .configuration(error.description)
      }
      let node: JSONNode
      do { node = try JSONNode.parse(bytes, path: file) } catch { throw .configuration(error.description) }
      guard case .object(let members) = node.value else {
        throw .configuration("\(file): the secrets file must be a JSON object of endpoint name → secret, e.g. {\"customerio\": \"…\"}")
      }
      for member in members {
        let secret: [UInt8]?
        switch member.node.value {
        case .string(let text):
          guard !text.isEmpty else { throw .configuration("\(file):\(member.node.line): '\(member.key)' has an empty secret; give the secret, or null to accept requests without one (loopback only)") }
          secret = Array(text.utf8)
        case .null: secret = nil
        default: throw .configuration("\(file):\(member.node.line): '\(member.key)' must be a string (the secret) or null, not \(member.node.typeName)")
        }
        try credentials.set(member.key, secret: secret, origin: "\(file):\(member.node.line)")
      }
      credentials.warnIfReadableByOthers = Self.isReadableByOthers(file)
    }
    for name in fixedNames {
      let variable = "HOLDOUT_SECRET_" + name.uppercased()
      if let value = environment[variable], !value.isEmpty {
        try credentials.set(name, secret: Array(value.utf8), origin: "$" + variable)
      }
    }
    return credentials
  }

  /// Set when the secrets file can be read by its group or others (a warning at start).
  public private(set) var warnIfReadableByOthers = false

  mutating func set(_ name: String, secret: [UInt8]?, origin: String) throws(CollectorError) {
    let valid = Self.fixedNames.contains(name) || (name.hasPrefix("events/") && Endpoint.isGenericName(String(name.dropFirst(7))))
    guard valid else {
      throw .configuration("\(origin): '\(name)' is not an endpoint; use \(Self.fixedNames.joined(separator: ", ")) or events/<name> (a-z, 0-9, _ and -)")
    }
    if secret == nil, name == "customerio" || name == "klaviyo" {
      throw .configuration("\(origin): '\(name)' signs every request and needs its signing secret, not null")
    }
    entries.removeAll { $0.name == name }
    entries.append(Entry(name: name, secret: secret, origin: origin))
    entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
  }

  /// What `endpoint` checks.
  public func check(for endpoint: Endpoint) -> Check {
    let entry = entries.first { $0.name == endpoint.name } ?? (endpoint.name.hasPrefix("events/") ? entries.first { $0.name == "events" } : nil)
    guard let entry else { return .disabled }
    return entry.secret.map { .secret($0) } ?? .open
  }

  /// Whether `endpoint` has an entry of its own (not only the `events` one every generic
  /// endpoint shares).
  public func hasOwnEntry(_ endpoint: Endpoint) -> Bool {
    entries.contains { $0.name == endpoint.name }
  }

  /// Whether no endpoint is enabled.
  public var isEmpty: Bool { entries.isEmpty }

  /// The enabled endpoint names with where their secret came from (never the secret).
  public var summary: [String] {
    entries.map { "\($0.name) (\($0.secret == nil ? "no credential" : "secret from \($0.origin)"))" }
  }

  /// Refuses to listen beyond loopback while an endpoint takes requests without a credential.
  public func checkListen(loopback: Bool, address: String) throws(CollectorError) {
    guard !loopback else { return }
    if let open = entries.first(where: { $0.secret == nil }) {
      throw .configuration("\(address) is not a loopback address and '\(open.name)' has no secret (\(open.origin)): give every enabled endpoint a secret, or listen on 127.0.0.1 behind a proxy")
    }
  }

  private static func isReadableByOthers(_ path: String) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    return info.st_mode & 0o044 != 0
  }
}
