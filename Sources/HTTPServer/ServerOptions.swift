/// The server's limits. Every connection is bounded in count, bytes and time, so a slow or
/// hostile client holds at most one connection slot for at most `requestSeconds`.
public struct ServerOptions: Sendable {
  /// Request line, headers, body (`HTTPLimits`).
  public var limits: HTTPLimits
  /// Connections served at once; one more is answered 503 and closed.
  public var maxConnections: Int
  /// From a request's first byte to its last: a client that sends slower than this is answered
  /// 408 and closed (the slow-client defence).
  public var requestSeconds: Double
  /// How long a kept-alive connection may wait for its next request before it is closed.
  public var idleSeconds: Double
  /// How long a response may take to write before the connection is dropped.
  public var writeSeconds: Double
  /// On shutdown, how long in-flight requests get to finish.
  public var drainSeconds: Double
  /// Request bytes held across all connections at once (heads and bodies not yet answered); a
  /// read that would pass it is answered 503 and closed, so many large bodies arriving together
  /// cannot exhaust memory (`maxConnections` × `maxBodyBytes` could).
  public var maxBufferedBytes: Int

  public init(
    limits: HTTPLimits = HTTPLimits(), maxConnections: Int = 512, requestSeconds: Double = 30, idleSeconds: Double = 15,
    writeSeconds: Double = 10, drainSeconds: Double = 20, maxBufferedBytes: Int = 256 << 20
  ) {
    self.maxBufferedBytes = maxBufferedBytes
    self.limits = limits
    self.maxConnections = maxConnections
    self.requestSeconds = requestSeconds
    self.idleSeconds = idleSeconds
    self.writeSeconds = writeSeconds
    self.drainSeconds = drainSeconds
  }
}

/// What the server calls for each request, on the connection's thread (many at once).
public protocol HTTPHandler: Sendable {
  /// The response to a complete request. `peer` is the client's address (`127.0.0.1:53412`).
  func respond(to request: HTTPRequest, peer: String) -> HTTPResponse
  /// Before reading the body of a request with `Expect: 100-continue`: nil to let the client send
  /// it ("100 Continue"), or a final response (a wrong path, a missing credential) sent instead,
  /// after which the connection is closed.
  func answerBeforeBody(_ head: HTTPRequestHead, peer: String) -> HTTPResponse?
  /// Called once per connection refused or closed with a status the handler never saw (408, 503
  /// at the connection limit, a parse error's 4xx), for the metrics.
  func refused(status: Int, peer: String)
}

extension HTTPHandler {
  public func answerBeforeBody(_ head: HTTPRequestHead, peer: String) -> HTTPResponse? { nil }
  public func refused(status: Int, peer: String) {}
}
