import HTTPServer
import Testing

@testable import Collector

/// Signatures made independently with Python's `hmac` (the values below were computed with
/// `hmac.new(secret, message, hashlib.sha256).hexdigest()`), checked the way each platform signs.
@Suite struct WebhookVerifierTests {
  static let cioBody = Array(#"{"event_id":"01E","object_type":"email","metric":"delivered","timestamp":1789949259,"data":{"customer_id":"c1"}}"#.utf8)
  /// hmac.new(b'cio-secret', b'v0:1796835600:' + body, sha256)
  static let cioSignature = "9c309bc147ba5dec69c449341193eaf7b73b81302393e875fbf86efa16d8e01b"
  static let klaviyoBody = Array(#"{"data":[{"external_id":"e1","topic":"event:klaviyo.email_delivered","payload":{}}],"meta":{"klaviyo_webhook_id":"wh_1"}}"#.utf8)
  /// hmac.new(b'klaviyo-secret-16chars', body + b'2026-12-07T17:00:00Z', sha256)
  static let klaviyoSignature = "6048b36dbbfeb7cd6b4a939e38eef38e4cb3af2cd6c7e94074109cab1eb35299"
  static let now: Int64 = 1_796_835_600

  func request(_ headers: [(String, String)], body: [UInt8]) -> HTTPRequest {
    let head = HTTPRequestHead(method: "POST", target: "/v1/x", headers: headers.map { HTTPHeader(name: $0.0, value: $0.1) })
    return HTTPRequest(head: head, body: body)
  }

  func verify(_ endpoint: Endpoint, secret: String, _ headers: [(String, String)], body: [UInt8], now: Int64 = now) -> WebhookVerifier.Verdict {
    WebhookVerifier(endpoint: endpoint, check: .secret(Array(secret.utf8)), toleranceSeconds: 300)
      .verify(request(headers, body: body), nowSeconds: now)
  }

  @Test func customerIOAcceptsItsOwnSignatureInAnyHeaderCase() {
    let headers = [("x-cio-timestamp", "1796835600"), ("X-CIO-SIGNATURE", Self.cioSignature)]
    #expect(verify(.customerio, secret: "cio-secret", headers, body: Self.cioBody) == .accepted)
    let upper = [("X-CIO-Timestamp", "1796835600"), ("X-CIO-Signature", Self.cioSignature.uppercased())]
    #expect(verify(.customerio, secret: "cio-secret", upper, body: Self.cioBody) == .accepted)
  }

  @Test func customerIORefusals() {
    let good = [("X-CIO-Timestamp", "1796835600"), ("X-CIO-Signature", Self.cioSignature)]
    func status(_ verdict: WebhookVerifier.Verdict) -> Int? {
      if case .refused(let status, _) = verdict { return status }
      return nil
    }
    var changed = Self.cioBody
    changed[changed.count - 3] = UInt8(ascii: "2")
    #expect(status(verify(.customerio, secret: "cio-secret", good, body: changed)) == 401)
    #expect(status(verify(.customerio, secret: "other-secret", good, body: Self.cioBody)) == 401)
    #expect(status(verify(.customerio, secret: "cio-secret", [good[0]], body: Self.cioBody)) == 401)
    #expect(status(verify(.customerio, secret: "cio-secret", good + [good[1]], body: Self.cioBody)) == 400)
    #expect(status(verify(.customerio, secret: "cio-secret", [good[0], ("X-CIO-Signature", "xyz")], body: Self.cioBody)) == 401)
    // The replay window: 300 s either way is accepted, 301 s is not.
    #expect(verify(.customerio, secret: "cio-secret", good, body: Self.cioBody, now: Self.now + 300) == .accepted)
    #expect(status(verify(.customerio, secret: "cio-secret", good, body: Self.cioBody, now: Self.now + 301)) == 401)
    #expect(status(verify(.customerio, secret: "cio-secret", good, body: Self.cioBody, now: Self.now - 301)) == 401)
    #expect(status(verify(.customerio, secret: "cio-secret", [("X-CIO-Timestamp", "soon"), good[1]], body: Self.cioBody)) == 400)
  }

  @Test func klaviyoSignsTheBodyThenTheTimestamp() {
    let headers = [("Klaviyo-Timestamp", "2026-12-07T17:00:00Z"), ("Klaviyo-Signature", Self.klaviyoSignature)]
    let now = Timestamp2026.seconds
    #expect(verify(.klaviyo, secret: "klaviyo-secret-16chars", headers, body: Self.klaviyoBody, now: now) == .accepted)
    #expect(verify(.klaviyo, secret: "klaviyo-secret-16chars", headers, body: Self.klaviyoBody + [0x20], now: now) != .accepted)
  }

  @Test func tokensInTheirDocumentedForms() {
    #expect(verify(.braze, secret: "tok", [("Authorization", "Bearer tok")], body: []) == .accepted)
    #expect(verify(.braze, secret: "tok", [("authorization", "bearer tok")], body: []) == .accepted)
    #expect(verify(.braze, secret: "tok", [("Authorization", "tok")], body: []) != .accepted)
    #expect(verify(.braze, secret: "tok", [("Authorization", "Bearer tok2")], body: []) != .accepted)
    #expect(verify(.braze, secret: "tok", [], body: []) != .accepted)
    #expect(verify(.iterable, secret: "tok", [("Authorization", "tok")], body: []) == .accepted)
    #expect(verify(.iterable, secret: "tok", [("Authorization", "Basic tok")], body: []) == .accepted)
    #expect(verify(.iterable, secret: "tok", [("Authorization", "OAuth2 tok")], body: []) == .accepted)
    #expect(verify(.iterable, secret: "tok", [("Authorization", "Basic to")], body: []) != .accepted)
    #expect(verify(.generic("orders"), secret: "tok", [("Authorization", "Bearer tok"), ("Authorization", "Bearer tok")], body: []) == .refused(status: 400, reason: "Authorization sent 2 times; send it once"))
    #expect(WebhookVerifier(endpoint: .braze, check: .open, toleranceSeconds: 1).verify(request([], body: []), nowSeconds: 0) == .accepted)
  }
}

/// 2026-12-07T17:00:00Z in Unix seconds.
enum Timestamp2026 {
  static let seconds: Int64 = 1_796_662_800
}
