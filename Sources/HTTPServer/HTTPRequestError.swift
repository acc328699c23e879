/// Why a request was refused: the status to answer with and a fixed sentence saying which rule
/// the bytes broke. After it the connection is answered with `status` and closed, since the
/// parser can no longer tell where the next request would start.
///
/// `reason` never quotes the received bytes, so it can be sent back and logged as is; equal
/// inputs give equal errors, which the tests and the `http-request` fuzz target compare.
public struct HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
  /// 400, 413, 414, 431, 501 or 505.
  public var status: Int
  /// The rule that was broken, e.g. `Content-Length and Transfer-Encoding together`.
  public var reason: String

  public init(status: Int, reason: String) {
    self.status = status
    self.reason = reason
  }

  /// `400 Bad Request: <reason>`.
  public var description: String {
    "\(status) \(HTTPResponse.reasonPhrase(status)): \(reason)"
  }

  /// The plain-text response that answers the error (send it with `keepAlive: false`).
  public var response: HTTPResponse {
    .text(status, reason)
  }

  static func badRequest(_ reason: String) -> HTTPRequestError {
    HTTPRequestError(status: 400, reason: reason)
  }
}
