import Ingest

/// The collector's metrics, registered once in a fixed order (`Metrics` renders families in
/// registration order): requests by endpoint and status, request bytes, events stored,
/// signature and token rejections, fsync latency, disk free and open connections.
public final class CollectorMetrics: Sendable {
  let registry = Metrics()
  let requests: Metrics.Counter
  let bytes: Metrics.Counter
  let stored: Metrics.Counter
  let rejections: Metrics.Counter
  let fsync: Metrics.Histogram
  let diskFree: Metrics.Gauge
  let connections: Metrics.Gauge
  private let connectionCount = Locked<(@Sendable () -> Int)?>(nil)

  public init() {
    requests = registry.counter("holdout_requests_total", help: "Requests answered, by endpoint and status.", labels: ["endpoint", "status"])
    bytes = registry.counter("holdout_request_bytes_total", help: "Request body bytes received, by endpoint.", labels: ["endpoint"])
    stored = registry.counter("holdout_events_total", help: "Events stored durably, by endpoint.", labels: ["endpoint"])
    rejections = registry.counter(
      "holdout_signature_rejections_total", help: "Requests refused for a missing, wrong or stale signature or token.", labels: ["endpoint"])
    fsync = registry.histogram("holdout_fsync_seconds", help: "Latency of each flush of a data file to disk.")
    diskFree = registry.gauge("holdout_disk_free_bytes", help: "Bytes free on the data folder's file system.")
    connections = registry.gauge("holdout_open_connections", help: "Connections being served.")
  }

  /// Where the open-connection count comes from (the server, once started).
  public var openConnections: (@Sendable () -> Int)? {
    get { connectionCount.withLock { $0 } }
    set { connectionCount.withLock { $0 = newValue } }
  }

  /// The store's fsync hook.
  public var fsyncObserver: @Sendable (Double) -> Void {
    let histogram = fsync
    return { histogram.observe($0) }
  }

  func request(endpoint: String, status: Int, bytes count: Int) {
    requests.increment(labels: [endpoint, String(status)])
    if count > 0 { bytes.increment(by: Double(count), labels: [endpoint]) }
  }

  func events(endpoint: String, count: Int) {
    if count > 0 { stored.increment(by: Double(count), labels: [endpoint]) }
  }

  func signatureRejected(endpoint: String) {
    rejections.increment(labels: [endpoint])
  }

  /// The exposition text, with the gauges read now.
  func exposition(diskFree free: Int64?) -> String {
    if let free { diskFree.set(Double(free)) }
    if let count = openConnections?() { connections.set(Double(count)) }
    return registry.render()
  }
}
