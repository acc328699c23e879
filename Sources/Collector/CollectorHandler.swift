#if canImport(Glibc)
  import Glibc
#endif
import HTTPServer
import Ingest

/// Routes `holdout serve`'s requests: the webhook endpoints (verify, split, store durably, then
/// answer), `GET /healthz`, `GET /metrics` and `GET /reports/…`.
///
/// A webhook is answered 200 with `{"stored": N}` only after its N events are durable
/// (`EventStore.append` returns after the fsync); a storage failure is a 503 with nothing of the
/// request kept, so the platform retries. Refusals never store anything.
public final class CollectorHandler: HTTPHandler, @unchecked Sendable {
  let credentials: Credentials
  let store: EventStore
  let metrics: CollectorMetrics
  let reports: ReportFiles?
  let toleranceSeconds: Int64
  /// The Unix time in µs (injectable for tests of the replay window).
  let clock: @Sendable () -> Int64
  /// Where storage failures are reported (standard error); never given a secret or a body.
  let log: @Sendable (String) -> Void

  public init(
    credentials: Credentials, store: EventStore, metrics: CollectorMetrics, reportsFolder: String?, toleranceSeconds: Int64,
    clock: @escaping @Sendable () -> Int64 = CollectorHandler.wallClock, log: @escaping @Sendable (String) -> Void = { _ in }
  ) throws(CollectorError) {
    self.log = log
    self.credentials = credentials
    self.store = store
    self.metrics = metrics
    self.reports = try reportsFolder.map { folder throws(CollectorError) in try ReportFiles(folder: folder) }
    self.toleranceSeconds = toleranceSeconds
    self.clock = clock
  }

  /// The real-time clock in µs since the epoch.
  public static let wallClock: @Sendable () -> Int64 = { EventStore.now() }

  public func respond(to request: HTTPRequest, peer: String) -> HTTPResponse {
    let path = request.head.path
    if let endpoint = Endpoint.at(path: path) {
      let response = webhook(endpoint, request)
      metrics.request(endpoint: label(endpoint, authenticated: response.status == 200), status: response.status, bytes: request.body.count)
      return response
    }
    let response: HTTPResponse
    let isRead = request.head.method == "GET" || request.head.method == "HEAD"
    switch path {
    case "/healthz":
      response = isRead ? .text(200, "ok") : Self.methodNotAllowed("GET, HEAD")
    case "/metrics":
      response = isRead ? HTTPResponse(status: 200, headers: [HTTPHeader(name: "Content-Type", value: Metrics.contentType)], body: Array(metrics.exposition(diskFree: store.diskFreeBytes()).utf8)) : Self.methodNotAllowed("GET, HEAD")
    default:
      if let reports, path == "/reports" || path.hasPrefix("/reports/") {
        response = isRead ? reports.response(rest: String(path.dropFirst("/reports".count))) : Self.methodNotAllowed("GET, HEAD")
      } else {
        response = .text(404, "no such endpoint; webhooks go to /v1/customerio, /v1/klaviyo, /v1/iterable, /v1/braze or /v1/events/<name>")
      }
    }
    metrics.request(endpoint: "other", status: response.status, bytes: request.body.count)
    return response
  }

  /// Refuses a `--reports` folder that does not exist (before anything is opened).
  public static func checkReportsFolder(_ folder: String) throws(CollectorError) {
    _ = try ReportFiles(folder: folder)
  }

  public func answerBeforeBody(_ head: HTTPRequestHead, peer: String) -> HTTPResponse? {
    guard let endpoint = Endpoint.at(path: head.path) else { return .text(404, "no such endpoint") }
    if head.method != "POST" { return Self.methodNotAllowed("POST") }
    if credentials.check(for: endpoint) == .disabled { return Self.disabled(endpoint) }
    return nil
  }

  public func refused(status: Int, peer: String) {
    metrics.request(endpoint: "connection", status: status, bytes: 0)
  }

  private func webhook(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
    guard request.head.method == "POST" else { return Self.methodNotAllowed("POST") }
    let check = credentials.check(for: endpoint)
    if check == .disabled { return Self.disabled(endpoint) }
    let now = clock()
    let verifier = WebhookVerifier(endpoint: endpoint, check: check, toleranceSeconds: toleranceSeconds)
    if case .refused(let status, let reason) = verifier.verify(request, nowSeconds: now / 1_000_000) {
      if status == 401 { metrics.signatureRejected(endpoint: label(endpoint, authenticated: false)) }
      return .text(status, reason)
    }
    let batch: EventBatch
    do { batch = try EventBatch(body: request.body, endpoint: endpoint) } catch { return .text(400, error.reason) }
    if endpoint == .klaviyo, case .secret = check {
      let header = request.head.headers.values(named: "Klaviyo-Webhook-Id")
      guard header.count == 1, let id = batch.webhookID, id == header[0] else {
        metrics.signatureRejected(endpoint: label(endpoint, authenticated: false))
        return .text(401, "meta.klaviyo_webhook_id must equal the Klaviyo-Webhook-Id header")
      }
    }
    let lines = batch.lines(receivedAt: now)
    if !lines.isEmpty {
      do { try store.append(endpoint: endpoint.name, lines: lines, receivedAt: now) } catch {
        logStorageFailure("\(endpoint.path): \(lines.count) event(s) not stored, answered 503: \(error.description)", now: now)
        var why = "the events could not be written"
        if case .diskFull = error { why = "the disk is full" }
        return HTTPResponse(status: 503, headers: [HTTPHeader(name: "Retry-After", value: "30")], body: Array("nothing stored: \(why); retry later\n".utf8))
      }
    }
    metrics.events(endpoint: endpoint.name, count: lines.count)
    return .json(200, Array("{\"stored\":\(lines.count)}\n".utf8))
  }

  /// Storage failures logged: the first at once, then at most one line per 10 s with the count
  /// of those not logged since (a disk full for hours must not flood the log).
  private let storageFailures = Locked((lastLogged: Int64.min, suppressed: 0))

  private func logStorageFailure(_ message: String, now: Int64) {
    let line: String? = storageFailures.withLock { state in
      guard state.lastLogged == .min || now - state.lastLogged >= 10_000_000 else {
        state.suppressed += 1
        return nil
      }
      let more = state.suppressed > 0 ? " (and \(state.suppressed) more failed request(s) since the last line)" : ""
      state = (now, 0)
      return message + more
    }
    if let line { log(line) }
  }

  /// The metrics label of a request to `endpoint`. Labels must stay few whatever clients send
  /// (each new label value is a series kept for the life of the process): a generic endpoint
  /// is named only when its own `events/<name>` secret exists or the request was accepted;
  /// other generic names are `events/*`, and endpoints that are not enabled are `other`.
  func label(_ endpoint: Endpoint, authenticated: Bool) -> String {
    guard case .generic = endpoint else { return credentials.check(for: endpoint) == .disabled ? "other" : endpoint.name }
    if credentials.check(for: endpoint) == .disabled { return "other" }
    return authenticated || credentials.hasOwnEntry(endpoint) ? endpoint.name : "events/*"
  }

  static func methodNotAllowed(_ allow: String) -> HTTPResponse {
    HTTPResponse(status: 405, headers: [HTTPHeader(name: "Allow", value: allow)], body: Array("method not allowed; use \(allow)\n".utf8))
  }

  static func disabled(_ endpoint: Endpoint) -> HTTPResponse {
    .text(404, "\(endpoint.path) is not enabled: add \"\(endpoint.name)\" to the secrets file")
  }
}
