/// The request line and header fields of one request, with what they mean for the connection
/// and the body already worked out by `HTTPRequestParser` (RFC 9112).
public struct HTTPRequestHead: Sendable, Equatable {
  /// The method token, case-sensitive as RFC 9110 has it (`POST`, not `post`).
  public var method: String
  /// The request-target as received: origin-form (`/v1/customerio?x=1`), or `*` for OPTIONS.
  public var target: String
  /// `target` before the first `?`, not percent-decoded.
  public var path: String
  /// `target` after the first `?`, not percent-decoded; empty when there is none.
  public var query: String
  /// 0 for HTTP/1.0, 1 for HTTP/1.1.
  public var minorVersion: Int
  /// Every header field in the order received: names as sent (compare them with
  /// `HTTPHeader.isNamed`), values without surrounding spaces and tabs. A value's bytes are read
  /// as UTF-8; bytes 0x80–0xFF that are not UTF-8 (obs-text) become U+FFFD.
  public var headers: [HTTPHeader]
  /// Whether the connection stays open after the response: on HTTP/1.1 unless a Connection
  /// field has the token `close`; on HTTP/1.0 only if one has `keep-alive` and none `close`.
  public var keepAlive: Bool
  /// Whether an HTTP/1.1 request has `Expect: 100-continue` (case-insensitive); an HTTP/1.0
  /// request's expectation is ignored (RFC 9110, section 10.1.1).
  public var expectsContinue: Bool
  /// The declared Content-Length, if there is one (never together with chunked framing).
  public var contentLength: Int?
  /// Whether the body comes as `Transfer-Encoding: chunked`.
  public var isChunked: Bool

  /// A head with the given parts; `path` and `query` are split from `target` at the first `?`.
  public init(
    method: String, target: String, minorVersion: Int = 1, headers: [HTTPHeader] = [], keepAlive: Bool = true,
    expectsContinue: Bool = false, contentLength: Int? = nil, isChunked: Bool = false
  ) {
    self.method = method
    self.target = target
    if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
      path = String(target[..<mark])
      query = String(target[target.utf8.index(after: mark)...])
    } else {
      path = target
      query = ""
    }
    self.minorVersion = minorVersion
    self.headers = headers
    self.keepAlive = keepAlive
    self.expectsContinue = expectsContinue
    self.contentLength = contentLength
    self.isChunked = isChunked
  }
}

/// A complete request: its head and its body (decoded from chunks if it came chunked; empty if
/// the head declared none).
public struct HTTPRequest: Sendable, Equatable {
  public var head: HTTPRequestHead
  public var body: [UInt8]

  public init(head: HTTPRequestHead, body: [UInt8]) {
    self.head = head
    self.body = body
  }
}
