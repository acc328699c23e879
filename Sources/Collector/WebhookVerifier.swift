import HTTPServer
import Ingest
import Signatures

/// Checks that a request comes from the platform: its signature or token, and for signed
/// platforms that its timestamp is recent. Every comparison of a secret-derived value is in
/// constant time (`ConstantTime.equal`); the secret is never part of a message.
///
/// Statuses: 401 for a missing, wrong or stale credential (the sender should not retry it
/// unchanged); 400 for a credential header sent twice (ambiguous: which one was checked?) or
/// not in the documented form.
struct WebhookVerifier: Sendable {
  /// The verdict on a request.
  enum Verdict: Equatable {
    case accepted
    case refused(status: Int, reason: String)
  }

  let endpoint: Endpoint
  let check: Credentials.Check
  /// How far a signed request's timestamp may be from the server's clock, in seconds.
  let toleranceSeconds: Int64

  /// The verdict on `request` at `nowSeconds` (Unix time).
  func verify(_ request: HTTPRequest, nowSeconds: Int64) -> Verdict {
    guard case .secret(let secret) = check else { return .accepted }
    let headers = request.head.headers
    switch endpoint {
    case .customerio:
      return signed(
        headers, signatureHeader: "X-CIO-Signature", timestampHeader: "X-CIO-Timestamp", nowSeconds: nowSeconds,
        secret: secret, message: { timestamp in Array("v0:\(timestamp):".utf8) + request.body })
    case .klaviyo:
      return signed(
        headers, signatureHeader: "Klaviyo-Signature", timestampHeader: "Klaviyo-Timestamp", nowSeconds: nowSeconds,
        secret: secret, message: { timestamp in request.body + Array(timestamp.utf8) })
    case .iterable:
      return token(headers, secret: secret, schemes: ["basic", "bearer", "oauth2", "token"], bareAllowed: true)
    case .braze, .generic:
      return token(headers, secret: secret, schemes: ["bearer"], bareAllowed: false)
    }
  }

  /// The single value of a credential header, or the refusal.
  private func single(_ headers: [HTTPHeader], _ name: String) -> Result<String, Refusal> {
    let values = headers.values(named: name)
    if values.isEmpty { return .failure(Refusal(status: 401, reason: "missing \(name) header")) }
    if values.count > 1 { return .failure(Refusal(status: 400, reason: "\(name) sent \(values.count) times; send it once")) }
    return .success(values[0])
  }

  private struct Refusal: Error {
    var status: Int
    var reason: String
  }

  private func signed(
    _ headers: [HTTPHeader], signatureHeader: String, timestampHeader: String, nowSeconds: Int64, secret: [UInt8],
    message: (String) -> [UInt8]
  ) -> Verdict {
    let signature: String, timestamp: String
    switch (single(headers, signatureHeader), single(headers, timestampHeader)) {
    case (.failure(let refusal), _), (_, .failure(let refusal)): return .refused(status: refusal.status, reason: refusal.reason)
    case (.success(let s), .success(let t)):
      signature = s
      timestamp = t
    }
    guard let sent = Self.seconds(of: timestamp) else {
      return .refused(status: 400, reason: "\(timestampHeader) is not a Unix time in seconds or an ISO-8601 time")
    }
    let skew = sent > nowSeconds ? sent - nowSeconds : nowSeconds - sent
    guard skew <= toleranceSeconds else {
      return .refused(status: 401, reason: "\(timestampHeader) is \(skew) s from the server's clock (tolerance \(toleranceSeconds) s): a replayed request or a wrong clock")
    }
    guard let given = Hex.decode(signature), given.count == 32 else {
      return .refused(status: 401, reason: "\(signatureHeader) is not a hex HMAC-SHA256 (64 hex digits)")
    }
    let expected = HMACSHA256.authenticationCode(for: message(timestamp), key: secret)
    return ConstantTime.equal(expected, given) ? .accepted : .refused(status: 401, reason: "\(signatureHeader) does not match the body: wrong secret, or the body was changed")
  }

  private func token(_ headers: [HTTPHeader], secret: [UInt8], schemes: [String], bareAllowed: Bool) -> Verdict {
    let value: String
    switch single(headers, "Authorization") {
    case .failure(let refusal): return .refused(status: refusal.status, reason: refusal.reason)
    case .success(let v): value = v
    }
    var presented = Array(value.utf8)
    if let space = presented.firstIndex(of: 0x20) {
      let scheme = String(decoding: presented[..<space], as: UTF8.self).lowercased()
      if schemes.contains(scheme) {
        presented = Array(presented[(space + 1)...].drop { $0 == 0x20 })
      } else if !bareAllowed {
        return .refused(status: 401, reason: "Authorization must be 'Bearer <token>'")
      }
    } else if !bareAllowed {
      return .refused(status: 401, reason: "Authorization must be 'Bearer <token>'")
    }
    return ConstantTime.equal(presented, secret) ? .accepted : .refused(status: 401, reason: "the Authorization token is wrong")
  }

  /// Unix seconds from digits, or from an ISO-8601 time.
  static func seconds(of text: String) -> Int64? {
    if !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return Int64(text) }
    return Timestamp.parse(text).map { $0 / 1_000_000 }
  }
}
