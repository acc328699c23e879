#if canImport(Glibc)
  import Glibc
#endif
import HTTPServer
import Ingest
import Signatures
import Testing

@testable import Collector

/// The handler with a real store in a temporary folder: what is answered, and what is on disk.
@Suite struct CollectorHandlerTests {
  static let now: Int64 = 1_796_662_800_000_000

  func handler(_ folder: TemporaryFolder, calls: FileCalls = .system, secrets: [String: String] = ["customerio": "cio", "braze": "tok"]) throws -> CollectorHandler {
    var options = EventStore.Options()
    options.calls = calls
    let store = try EventStore(data: folder.path + "/data", options: options)
    var credentials = Credentials()
    for (name, secret) in secrets.sorted(by: { $0.key < $1.key }) { try credentials.set(name, secret: Array(secret.utf8), origin: "test") }
    return try CollectorHandler(credentials: credentials, store: store, metrics: CollectorMetrics(), reportsFolder: nil, toleranceSeconds: 300, clock: { Self.now })
  }

  func signed(_ body: String, secret: String = "cio") -> HTTPRequest {
    let timestamp = String(Self.now / 1_000_000)
    let signature = Hex.encode(HMACSHA256.authenticationCode(for: Array("v0:\(timestamp):\(body)".utf8), key: Array(secret.utf8)))
    let head = HTTPRequestHead(method: "POST", target: "/v1/customerio", headers: [HTTPHeader(name: "X-CIO-Timestamp", value: timestamp), HTTPHeader(name: "X-CIO-Signature", value: signature)])
    return HTTPRequest(head: head, body: Array(body.utf8))
  }

  func storedLines(_ folder: TemporaryFolder) -> [String] {
    var lines: [String] = []
    let hourFolder = folder.path + "/data/customerio/date=2026-12-07-17"
    guard let directory = opendir(hourFolder) else { return [] }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      guard name.hasPrefix("part-") else { continue }
      let text = (try? ByteSource(path: hourFolder + "/" + name).readAll()).map { String(decoding: $0, as: UTF8.self) } ?? ""
      lines += text.split(separator: "\n").map(String.init)
    }
    return lines
  }

  @Test func aSignedWebhookIsStoredBeforeItIsAnswered() throws {
    let folder = TemporaryFolder()
    let handler = try handler(folder)
    let response = handler.respond(to: signed(#"{"event_id":"e1","metric":"sent"}"#), peer: "test")
    #expect(response.status == 200)
    #expect(response.body == Array("{\"stored\":1}\n".utf8))
    #expect(storedLines(folder) == [#"{"holdout_received_at":"2026-12-07T17:00:00Z","event_id":"e1","metric":"sent"}"#])
    let forged = handler.respond(to: signed(#"{"event_id":"e2"}"#, secret: "guess"), peer: "test")
    #expect(forged.status == 401)
    #expect(storedLines(folder).count == 1)
    let exposition = handler.metrics.exposition(diskFree: nil)
    #expect(exposition.contains(#"holdout_requests_total{endpoint="customerio",status="200"} 1"#))
    #expect(exposition.contains(#"holdout_signature_rejections_total{endpoint="customerio"} 1"#))
    #expect(!exposition.contains("cio\""))
  }

  @Test func aFullDiskIs503WithNothingStored() throws {
    let folder = TemporaryFolder()
    let full = FileCalls(write: { _, _, _ in -Int(ENOSPC) }, sync: FileCalls.system.sync)
    let handler = try handler(folder, calls: full)
    let response = handler.respond(to: signed(#"{"event_id":"e1"}"#), peer: "test")
    #expect(response.status == 503)
    #expect(response.headers.values(named: "Retry-After") == ["30"])
    #expect(String(decoding: response.body, as: UTF8.self).contains("the disk is full"))
    #expect(storedLines(folder).isEmpty)
  }

  @Test func metricLabelsStayFewWhateverTheClientSends() throws {
    let folder = TemporaryFolder()
    let handler = try handler(folder, secrets: ["customerio": "cio", "events": "tok", "events/orders": "own"])
    for k in 0..<50 {
      let head = HTTPRequestHead(method: "POST", target: "/v1/events/guess\(k)", headers: [HTTPHeader(name: "Authorization", value: "Bearer wrong")])
      #expect(handler.respond(to: HTTPRequest(head: head, body: Array("{}".utf8)), peer: "t").status == 401)
    }
    let accepted = HTTPRequestHead(method: "POST", target: "/v1/events/visits", headers: [HTTPHeader(name: "Authorization", value: "Bearer tok")])
    #expect(handler.respond(to: HTTPRequest(head: accepted, body: Array("{}".utf8)), peer: "t").status == 200)
    _ = handler.respond(to: HTTPRequest(head: HTTPRequestHead(method: "POST", target: "/v1/klaviyo"), body: []), peer: "t")
    let text = handler.metrics.exposition(diskFree: nil)
    #expect(!text.contains("guess"))
    #expect(text.contains(#"holdout_requests_total{endpoint="events/*",status="401"} 50"#))
    #expect(text.contains(#"holdout_signature_rejections_total{endpoint="events/*"} 50"#))
    #expect(text.contains(#"holdout_requests_total{endpoint="events/visits",status="200"} 1"#))
    #expect(text.contains(#"holdout_requests_total{endpoint="other",status="404"} 1"#))
  }

  @Test func routesMethodsAndDisabledEndpoints() throws {
    let folder = TemporaryFolder()
    let handler = try handler(folder)
    func answer(_ method: String, _ target: String, _ headers: [HTTPHeader] = []) -> Int {
      handler.respond(to: HTTPRequest(head: HTTPRequestHead(method: method, target: target, headers: headers), body: []), peer: "t").status
    }
    #expect(answer("GET", "/healthz") == 200)
    #expect(answer("POST", "/healthz") == 405)
    #expect(answer("GET", "/metrics") == 200)
    #expect(answer("GET", "/v1/customerio") == 405)
    #expect(answer("POST", "/v1/klaviyo") == 404)
    #expect(answer("POST", "/v1/nowhere") == 404)
    #expect(answer("GET", "/reports/x") == 404)
    #expect(answer("POST", "/v1/braze", [HTTPHeader(name: "Authorization", value: "Bearer tok")]) == 200)
    let early = handler.answerBeforeBody(HTTPRequestHead(method: "POST", target: "/v1/iterable"), peer: "t")
    #expect(early?.status == 404)
    #expect(handler.answerBeforeBody(HTTPRequestHead(method: "POST", target: "/v1/braze"), peer: "t") == nil)
  }
}
