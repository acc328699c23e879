import Testing

@testable import HTTPServer

/// Every refusal of the request line, the header fields and the framing, with its status; each
/// also fed one byte at a time and split at every position (`ParserFeed`). `\n` is CRLF.
@Suite struct HTTPRequestRefusalTests {
  static let small = HTTPLimits(maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 10)

  @Test func contentLengthWithTransferEncoding() {
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 3\nTransfer-Encoding: chunked\n\n") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\nContent-Length: 3\n\n") == 400)
    #expect(
      ParserFeed.error("POST / HTTP/1.1\nHost: h\ntransfer-encoding: gzip\ncontent-length: 3\n\n")?.reason
        == "Content-Length and Transfer-Encoding together")
  }

  @Test func contentLengthSyntax() {
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 5\nContent-Length: 5\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 5, 5\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: +5\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: -1\n\n") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 0x5\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 5 5\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 5.0\n\nhello") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length:\n\n") == 400)
    // Surrounding whitespace is OWS, trimmed like any value's.
    #expect(ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nContent-Length: \t5 \n\nhello").requests.count == 1)
  }

  @Test func bodyAboveTheLimitIsRefusedFromTheHead() throws {
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 11\n\n", limits: Self.small) == 413)
    #expect(ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nContent-Length: 10\n\n0123456789", limits: Self.small).error == nil)
    #expect(
      ParserFeed.status("POST / HTTP/1.1\nHost: h\nContent-Length: 99999999999999999999999999\n\n") == 413)
    // Decided before any body byte arrives, and before a 100 Continue would be asked for.
    var parser = HTTPRequestParser(limits: HTTPLimits(maxBodyBytes: 10))
    parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n".utf8))
    let error = #expect(throws: HTTPRequestError.self) { try parser.next() }
    #expect(error?.status == 413)
  }

  @Test func transferEncodings() {
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked, identity\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: gzip, chunked\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: xchunked\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked;q=1\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: identity\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding:\n\n") == 501)
    #expect(ParserFeed.status("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\nTransfer-Encoding: chunked\n\n") == 400)
    #expect(ParserFeed.status("POST / HTTP/1.0\nTransfer-Encoding: chunked\n\n0\n\n") == 400)
    #expect(ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nTransfer-Encoding: Chunked \n\n0\n\n").requests.count == 1)
  }

  @Test func fieldLineSyntax() {
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost : h\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nContent-Length\t: 0\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX-A: 1\n  continued\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX-A: 1\n\tcontinued\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\n Host: h\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nNo colon here\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\n: empty name\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX(A): 1\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX-A: a\u{0}b\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX-A: a\u{7F}b\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: h\nX-A: a\u{1B}b\n\n") == 400)
    #expect(ParserFeed.outcome("GET / HTTP/1.1\nHost: h\nX-A: a\tb\n\n").requests.first?.head.headers.last?.value == "a\tb")
  }

  @Test func lineEndsMustBeCRLF() {
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\r\nHost: h\n\r\n") == 400)
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\r\nHost: h\r\n\n") == 400)
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\nb\r\n\r\n") == 400)
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n") == 400)
    #expect(ParserFeed.status(raw: "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n") == 400)
    #expect(ParserFeed.status(raw: "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    #expect(ParserFeed.error(raw: "GET / HTTP/1.1\r\nHost: h\r\n\n")?.reason == "bare LF (line ends must be CRLF)")
  }

  @Test func host() {
    #expect(ParserFeed.status("GET / HTTP/1.1\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nX-Host: h\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: a\nHost: a\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.0\nHost: a\nhost: b\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: a/b\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: a b\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1\nHost: user@a\n\n") == 400)
    #expect(ParserFeed.outcome("GET / HTTP/1.1\nHost: [::1]:8080\n\n").requests.count == 1)
    #expect(ParserFeed.outcome("GET / HTTP/1.1\nHost:\n\n").requests.count == 1)
  }

  @Test func requestLine() {
    #expect(ParserFeed.status("GET / HTTP/2.0\nHost: h\n\n") == 505)
    #expect(ParserFeed.status("GET / HTTP/1.2\nHost: h\n\n") == 505)
    #expect(ParserFeed.status("GET / HTTP/0.9\nHost: h\n\n") == 505)
    #expect(ParserFeed.status("PRI * HTTP/2.0\n\nSM\n\n") == 505)
    #expect(ParserFeed.status("GET / HTTP/1.10\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET / http/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET / HTTP/1.1 \nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET /  HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET  / HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status(" GET / HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET /a b HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET\t/ HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET /\n\n") == 400)
    #expect(ParserFeed.status("G(T / HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET http://h/ HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("CONNECT h:443 HTTP/1.1\nHost: h:443\n\n") == 400)
    #expect(ParserFeed.status("GET * HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET /\u{7F} HTTP/1.1\nHost: h\n\n") == 400)
    #expect(ParserFeed.status("GET /caf\u{E9} HTTP/1.1\nHost: h\n\n") == 400)
  }

  /// `small` allows 64 bytes of head: the request line is 16 with its CRLF, `Host: h` 9, the
  /// blank line 2, which leaves 37 for one more line: `X: ` and 32 bytes of value and CRLF.
  @Test func headLimits() {
    let line = "GET / HTTP/1.1\nHost: h\n"
    let fits = line + "X: " + String(repeating: "v", count: 32) + "\n\n"
    #expect(Array(fits.replacing("\n", with: "\r\n").utf8).count == 64)
    #expect(ParserFeed.outcome(fits, limits: Self.small).requests.count == 1)
    let over = line + "X: " + String(repeating: "v", count: 33) + "\n\n"
    #expect(ParserFeed.status(over, limits: Self.small) == 431)
    // The request line alone past the limit is 414, with or without its CRLF arrived.
    let longTarget = "GET /" + String(repeating: "a", count: 60) + " HTTP/1.1\nHost: h\n\n"
    #expect(ParserFeed.status(longTarget, limits: Self.small) == 414)
    #expect(ParserFeed.status("GET /" + String(repeating: "a", count: 70), limits: Self.small) == 414)
    // A head without its end is refused once it passes the limit, not buffered on.
    #expect(ParserFeed.status(line + String(repeating: "X", count: 100), limits: Self.small) == 431)
    #expect(ParserFeed.status(line + "A: 1\nB: 2\n\n", limits: Self.small) == 0)
    #expect(ParserFeed.status(line + "A: 1\nB: 2\nC: 3\n\n", limits: Self.small) == 431)
    #expect(ParserFeed.error(line + "A: 1\nB: 2\nC: 3\n\n", limits: Self.small)?.reason == "too many header fields")
  }

  @Test func defaultHeadLimits() {
    let many = (0..<101).map { "X-\($0): v\n" }.joined()
    #expect(ParserFeed.status("GET / HTTP/1.1\n" + many + "\n") == 431)
    let big = "GET / HTTP/1.1\nHost: h\nX-Big: " + String(repeating: "v", count: 16_400) + "\n\n"
    #expect(ParserFeed.status(big) == 431)
    let longLine = "GET /" + String(repeating: "a", count: 16_400) + " HTTP/1.1\nHost: h\n\n"
    #expect(ParserFeed.status(longLine) == 414)
  }
}
