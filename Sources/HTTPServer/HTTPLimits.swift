/// The bounds every request must keep, each refused with its own status before the bytes past it
/// are buffered: a client cannot make the parser hold more than about `maxHeaderBytes` of head
/// plus `maxBodyBytes` of body per request. Each bound must be in 0...2^40 (a precondition of
/// `HTTPRequestParser.init(limits:)`).
public struct HTTPLimits: Sendable, Equatable {
  /// The bytes of the request line, the header lines and the trailer lines together, each with
  /// its CRLF, the blank line that ends the head included (16 KiB by default). A request line
  /// longer than this on its own is refused with 414, anything else past it with 431. The
  /// chunk extensions of one request are bounded by the same number of bytes (400 past it).
  public var maxHeaderBytes: Int
  /// Header fields plus trailer fields of one request (100 by default); one more is 431.
  public var maxHeaderCount: Int
  /// The body: a declared Content-Length above it is refused with 413 as soon as the head is
  /// read, before any byte of the body; a chunked body with 413 at the first chunk size that
  /// would take the decoded total past it (10 MiB by default).
  public var maxBodyBytes: Int

  /// Limits with the given bounds, each defaulting to the value documented on its property.
  public init(maxHeaderBytes: Int = 16_384, maxHeaderCount: Int = 100, maxBodyBytes: Int = 10 << 20) {
    self.maxHeaderBytes = maxHeaderBytes
    self.maxHeaderCount = maxHeaderCount
    self.maxBodyBytes = maxBodyBytes
  }
}
