/// A response to write: status, header fields and body. `serialized` writes the framing fields
/// itself (Content-Length, Connection), so a handler only sets what describes the content.
///
/// No header can split the response: `serialized` leaves out any field whose name is not a token
/// or whose value holds CR, LF, NUL or another control byte other than HTAB, and any
/// Content-Length, Transfer-Encoding or Connection field given, which it writes itself.
public struct HTTPResponse: Sendable, Equatable {
  /// The status code, 100–999 (a precondition of `serialized`).
  public var status: Int
  public var headers: [HTTPHeader]
  public var body: [UInt8]

  public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// `message` and a line feed as `text/plain; charset=utf-8`.
  public static func text(_ status: Int, _ message: String) -> HTTPResponse {
    HTTPResponse(
      status: status, headers: [HTTPHeader(name: "Content-Type", value: "text/plain; charset=utf-8")],
      body: Array((message + "\n").utf8))
  }

  /// `body` as `application/json`.
  public static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
    HTTPResponse(status: status, headers: [HTTPHeader(name: "Content-Type", value: "application/json")], body: body)
  }

  /// The interim response a server writes after `HTTPRequestParser.Event.continueExpected` to have
  /// the client send the body: `HTTP/1.1 100 Continue`, CRLF, CRLF.
  public static let continueBytes = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

  /// The bytes to write: `HTTP/1.1 <status> <reason>` CRLF, the writable header fields,
  /// Content-Length, `Connection: keep-alive` or `close`, a blank line and the body.
  ///
  /// A 1xx status gets neither Content-Length, Connection nor a body; a 204 or 304 no
  /// Content-Length and no body (RFC 9110, section 8.6 and 15.4.5). `headOnly` (the answer to
  /// HEAD) leaves out the body but keeps its Content-Length.
  public func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
    precondition((100...999).contains(status), "HTTP status \(status) is not three digits")
    let informational = status < 200
    let bodyless = informational || status == 204 || status == 304
    var out: [UInt8] = []
    out.reserveCapacity(128 + (headOnly || bodyless ? 0 : body.count))
    out += "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n".utf8
    for header in headers where Self.isWritable(header) && !Self.isFraming(header) {
      out += header.name.utf8
      out += ": ".utf8
      out += header.value.utf8
      out += "\r\n".utf8
    }
    if !bodyless { out += "Content-Length: \(body.count)\r\n".utf8 }
    if !informational { out += (keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n").utf8 }
    out += "\r\n".utf8
    if !headOnly && !bodyless { out += body }
    return out
  }

  /// Whether `header` can be written as is: a token name, and a value of field-value bytes
  /// (HTAB, SP, visible ASCII, 0x80 and above), so no CR or LF.
  public static func isWritable(_ header: HTTPHeader) -> Bool {
    HTTPSyntax.isToken(header.name.utf8) && header.value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte)
  }

  /// The fields `serialized` writes itself.
  private static func isFraming(_ header: HTTPHeader) -> Bool {
    header.isNamed("Content-Length") || header.isNamed("Transfer-Encoding") || header.isNamed("Connection")
  }

  /// The reason phrase of `status` (RFC 9110, section 15), or an empty string for a code without
  /// one here (the status line then ends in the space before it, which RFC 9112 allows).
  public static func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: "Continue"
    case 101: "Switching Protocols"
    case 200: "OK"
    case 201: "Created"
    case 202: "Accepted"
    case 204: "No Content"
    case 301: "Moved Permanently"
    case 302: "Found"
    case 304: "Not Modified"
    case 400: "Bad Request"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 405: "Method Not Allowed"
    case 408: "Request Timeout"
    case 409: "Conflict"
    case 411: "Length Required"
    case 413: "Content Too Large"
    case 414: "URI Too Long"
    case 415: "Unsupported Media Type"
    case 417: "Expectation Failed"
    case 422: "Unprocessable Content"
    case 429: "Too Many Requests"
    case 431: "Request Header Fields Too Large"
    case 500: "Internal Server Error"
    case 501: "Not Implemented"
    case 502: "Bad Gateway"
    case 503: "Service Unavailable"
    case 504: "Gateway Timeout"
    case 505: "HTTP Version Not Supported"
    default: ""
    }
  }
}
