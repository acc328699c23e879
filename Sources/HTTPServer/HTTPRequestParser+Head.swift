/// The request line, the header fields and what they mean for the body and the connection
/// (RFC 9112, sections 3, 5 and 6; RFC 9110, section 5). Each refusal names its status:
///
/// - request line: `method SP request-target SP HTTP-version`, one SP each; the method a token;
///   the target visible ASCII, origin-form (starting with `/`), or `*` for OPTIONS only
///   (absolute-form and authority-form are 400); the version exactly `HTTP/1.0` or `HTTP/1.1`,
///   another `HTTP/d.d` 505, anything else 400;
/// - field lines: the name a token directly followed by `:` (whitespace before the colon is 400,
///   RFC 9112, section 5.1); a line starting with SP or HTAB (obs-fold, or whitespace after the
///   request line) 400; a value with NUL, DEL or a control other than HTAB 400; SP and HTAB
///   trimmed from both ends of the value; field number `maxHeaderCount` + 1 is 431;
/// - HTTP/1.1 needs exactly one Host, and no request may have two (400); a Host value must be
///   made of the bytes of uri-host and port (400);
/// - Content-Length: only digits (no sign, space or list; 400), at most one field even with
///   equal values (400), above `maxBodyBytes` 413 before any body byte is read;
/// - Transfer-Encoding: together with Content-Length 400, twice 400, on HTTP/1.0 400, any value
///   other than `chunked` (case-insensitive; `gzip, chunked`, `chunked, identity`) 501;
/// - neither: no body.
extension HTTPRequestParser {
  /// Reads the request line into `head`.
  mutating func readRequestLine(_ line: Range<Int>) throws(HTTPRequestError) {
    let malformed = HTTPRequestError.badRequest("malformed request line")
    guard let firstSpace = buffer[line].firstIndex(of: HTTPSyntax.space), firstSpace > line.lowerBound,
      let secondSpace = buffer[(firstSpace + 1)..<line.upperBound].firstIndex(of: HTTPSyntax.space),
      secondSpace > firstSpace + 1
    else { throw malformed }
    let method = line.lowerBound..<firstSpace
    let target = (firstSpace + 1)..<secondSpace
    let version = buffer[(secondSpace + 1)..<line.upperBound]

    // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
    let prefix = Array("HTTP/".utf8)
    guard version.count == 8, version.starts(with: prefix) else { throw malformed }
    let major = version[version.startIndex + 5], dot = version[version.startIndex + 6]
    let minor = version[version.startIndex + 7]
    let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
    guard digits.contains(major), dot == UInt8(ascii: "."), digits.contains(minor) else { throw malformed }
    guard major == UInt8(ascii: "1"), minor <= UInt8(ascii: "1") else {
      throw HTTPRequestError(status: 505, reason: "only HTTP/1.0 and HTTP/1.1 are served")
    }

    guard HTTPSyntax.isToken(buffer[method]) else { throw .badRequest("the method is not a token") }
    guard buffer[target].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw .badRequest("the request-target has a byte that is not visible ASCII")
    }
    let methodText = String(decoding: buffer[method], as: UTF8.self)
    let targetText = String(decoding: buffer[target], as: UTF8.self)
    if buffer[target.lowerBound] != UInt8(ascii: "/") {
      guard targetText == "*" else { throw .badRequest("the request-target must start with /") }
      guard methodText == "OPTIONS" else { throw .badRequest("the request-target * is for OPTIONS only") }
    }
    head = HTTPRequestHead(
      method: methodText, target: targetText, minorVersion: Int(minor - UInt8(ascii: "0")),
      keepAlive: false)
  }

  /// Checks a header or trailer field line and returns its field (`keep` false: a field with
  /// empty strings, for a trailer that is only checked).
  mutating func readField(_ line: Range<Int>, keep: Bool = true) throws(HTTPRequestError) -> HTTPHeader {
    guard !HTTPSyntax.isWhitespace(buffer[line.lowerBound]) else {
      throw .badRequest("a field line starts with whitespace (obs-fold)")
    }
    guard let colon = buffer[line].firstIndex(of: HTTPSyntax.colon) else {
      throw .badRequest("a field line without a colon")
    }
    let name = line.lowerBound..<colon
    guard HTTPSyntax.isToken(buffer[name]) else {
      throw .badRequest("a field name that is not a token (whitespace before the colon?)")
    }
    var from = colon + 1, to = line.upperBound
    while from < to, HTTPSyntax.isWhitespace(buffer[from]) { from += 1 }
    while to > from, HTTPSyntax.isWhitespace(buffer[to - 1]) { to -= 1 }
    guard buffer[from..<to].allSatisfy(HTTPSyntax.isFieldValueByte) else {
      throw .badRequest("a field value with a control character")
    }
    fieldCount += 1
    guard fieldCount <= limits.maxHeaderCount else {
      throw HTTPRequestError(status: 431, reason: "too many header fields")
    }
    guard keep else { return HTTPHeader(name: "", value: "") }
    return HTTPHeader(
      name: String(decoding: buffer[name], as: UTF8.self), value: String(decoding: buffer[from..<to], as: UTF8.self))
  }

  /// Works out framing and connection from the finished head, then either returns the request
  /// (no body), returns `.continueExpected`, or sets the stage that reads the body (nil).
  mutating func finishHead() throws(HTTPRequestError) -> Event? {
    let isHTTP11 = head.minorVersion == 1
    let hosts = head.headers.values(named: "Host")
    guard hosts.count <= 1 else { throw .badRequest("more than one Host field") }
    guard !isHTTP11 || hosts.count == 1 else { throw .badRequest("an HTTP/1.1 request without Host") }
    if let host = hosts.first, !host.utf8.allSatisfy(HTTPSyntax.isHostByte) {
      throw .badRequest("a Host value that is not a host and port")
    }

    let lengths = head.headers.values(named: "Content-Length")
    let encodings = head.headers.values(named: "Transfer-Encoding")
    guard lengths.count <= 1 else { throw .badRequest("more than one Content-Length field") }
    guard encodings.count <= 1 else { throw .badRequest("more than one Transfer-Encoding field") }
    guard lengths.isEmpty || encodings.isEmpty else {
      throw .badRequest("Content-Length and Transfer-Encoding together")
    }
    if let encoding = encodings.first {
      guard isHTTP11 else { throw .badRequest("Transfer-Encoding on an HTTP/1.0 request") }
      guard HTTPSyntax.equalsIgnoringCase(encoding, "chunked") else {
        throw HTTPRequestError(status: 501, reason: "the only transfer coding served is chunked alone")
      }
      head.isChunked = true
    }
    if let length = lengths.first {
      let value = try Self.contentLength(length)
      guard value <= limits.maxBodyBytes else {
        throw HTTPRequestError(status: 413, reason: "the declared Content-Length is above the limit")
      }
      head.contentLength = value
    }

    var close = false, keepAlive = false, expects = false
    for value in head.headers.values(named: "Connection") {
      for option in HTTPSyntax.listElements(value) {
        if HTTPSyntax.equalsIgnoringCase(option, "close") { close = true }
        if HTTPSyntax.equalsIgnoringCase(option, "keep-alive") { keepAlive = true }
      }
    }
    for value in head.headers.values(named: "Expect") where HTTPSyntax.equalsIgnoringCase(value, "100-continue") {
      expects = true
    }
    head.keepAlive = !close && (isHTTP11 || keepAlive)
    head.expectsContinue = isHTTP11 && expects

    if head.isChunked {
      stage = .chunkSize
    } else if let length = head.contentLength, length > 0 {
      stage = .body(remaining: length)
      // A declared length reserves at most 64 KiB at once: the bytes must arrive to cost memory.
      body.reserveCapacity(Swift.min(length, 1 << 16))
    } else {
      return finishRequest()
    }
    return head.expectsContinue ? .continueExpected(head) : nil
  }

  /// A Content-Length value: one or more digits and nothing else; a value too large for `Int`
  /// saturates (it is above any limit).
  static func contentLength(_ value: String) throws(HTTPRequestError) -> Int {
    guard !value.isEmpty else { throw .badRequest("an empty Content-Length") }
    var result = 0
    for byte in value.utf8 {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
        throw .badRequest("a Content-Length that is not only digits")
      }
      let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
      result = overflow1 || overflow2 ? Int.max : sum
    }
    return result
  }
}
