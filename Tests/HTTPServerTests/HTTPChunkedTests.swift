import Testing

@testable import HTTPServer

/// Chunked bodies (RFC 9112, section 7.1): sizes, extensions, trailers, and each refusal, fed
/// whole, one byte at a time and split at every position (`ParserFeed`). `\n` is CRLF.
@Suite struct HTTPChunkedTests {
  static let head = "POST /hook HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n"
  static let small = HTTPLimits(maxHeaderBytes: 64, maxHeaderCount: 3, maxBodyBytes: 10)

  static func body(_ chunks: String, limits: HTTPLimits = HTTPLimits()) -> String? {
    ParserFeed.outcome(head + chunks, limits: limits).requests.first.map { String(decoding: $0.body, as: UTF8.self) }
  }

  static func status(_ chunks: String, limits: HTTPLimits = HTTPLimits()) -> Int {
    ParserFeed.status(head + chunks, limits: limits)
  }

  @Test func decodesChunks() throws {
    let request = try #require(ParserFeed.outcome(Self.head + "5\nhello\n6\n world\n0\n\n").requests.first)
    #expect(request.body == Array("hello world".utf8))
    #expect(request.head.isChunked && request.head.contentLength == nil)
    #expect(Self.body("a\n0123456789\nA\n0123456789\n0\n\n") == "01234567890123456789")
    #expect(Self.body("0005\nhello\n000\n\n") == "hello")
    #expect(Self.body("000000000000000A\n0123456789\n0\n\n") == "0123456789")
    #expect(Self.body("0\n\n") == "")
    #expect(Self.body("5\nhel") == nil)
  }

  @Test func extensionsAreCheckedAndIgnored() {
    #expect(Self.body("5;name=value\nhello\n0\n\n") == "hello")
    #expect(Self.body("5 ; a ; b = \"q \\\" x;y\"\nhello\n0;last\n\n") == "hello")
    #expect(Self.body("5;a=b;c;d=e\t\nhello\n0\n\n") == nil)
    #expect(Self.body("5;a=b;c;d=e\nhello\n0\n\n") == "hello")
    #expect(Self.status("5;\nhello\n0\n\n") == 400)
    #expect(Self.status("5;a=\nhello\n0\n\n") == 400)
    #expect(Self.status("5;a=\"open\nhello\n0\n\n") == 400)
    #expect(Self.status("5;a b\nhello\n0\n\n") == 400)
    #expect(Self.status("5;a=\"x\u{1}\"\nhello\n0\n\n") == 400)
  }

  @Test func trailersAreCheckedAndDiscarded() throws {
    let text = Self.head + "3\nabc\n0\nX-Checksum: 900150983cd24fb0\nX-Other:  v \n\n"
    let request = try #require(ParserFeed.outcome(text).requests.first)
    #expect(request.body == Array("abc".utf8))
    #expect(request.head.headers.map(\.name) == ["Host", "Transfer-Encoding"])
    #expect(Self.status("0\nX-A : 1\n\n") == 400)
    #expect(Self.status("0\nX-A: 1\n folded\n\n") == 400)
    #expect(Self.status("0\nX-A: a\u{0}\n\n") == 400)
    #expect(ParserFeed.status(Self.head + "0\nX-A: 1\n\n") == 0)
  }

  @Test func chunkSizeSyntax() {
    #expect(Self.status("x\nhello\n0\n\n") == 400)
    #expect(Self.status("0x5\nhello\n0\n\n") == 400)
    #expect(Self.status("-5\nhello\n0\n\n") == 400)
    #expect(Self.status("+5\nhello\n0\n\n") == 400)
    #expect(Self.status(" 5\nhello\n0\n\n") == 400)
    #expect(Self.status("5 \nhello\n0\n\n") == 400)
    #expect(Self.status("\nhello\n0\n\n") == 400)
    #expect(Self.status("00000000000000005\nhello\n0\n\n") == 400)
    #expect(ParserFeed.status(raw: Self.head.replacing("\n", with: "\r\n") + "5\nhello\r\n0\r\n\r\n") == 400)
  }

  @Test func dataMustEndInCRLF() {
    #expect(Self.status("5\nhelloX\n0\n\n") == 400)
    #expect(Self.status("5\nhell\n0\n\n") == 400)
    #expect(ParserFeed.status(raw: Self.head.replacing("\n", with: "\r\n") + "5\r\nhello\n0\r\n\r\n") == 400)
    #expect(ParserFeed.status(raw: Self.head.replacing("\n", with: "\r\n") + "5\r\nhello\r0\r\n\r\n") == 400)
    #expect(
      ParserFeed.error(Self.head + "5\nhelloX\n0\n\n")?.reason == "chunk data not followed by CRLF")
  }

  @Test func limits() {
    #expect(Self.body("5\n01234\n5\n56789\n0\n\n", limits: Self.small) == "0123456789")
    #expect(Self.status("5\n01234\n6\n567890\n0\n\n", limits: Self.small) == 413)
    #expect(Self.status("ffffffffffffffff\n", limits: Self.small) == 413)
    #expect(Self.status("ffffffffffffffff\n") == 413)
    // Extensions (from after the size to the CRLF): 64 bytes in all per request, on one line or many.
    let name = String(repeating: "n", count: 63)
    #expect(Self.body("1;\(name)\nx\n0\n\n", limits: HTTPLimits(maxHeaderBytes: 64)) == "x")
    #expect(Self.status("1;\(name)n\nx\n0\n\n", limits: HTTPLimits(maxHeaderBytes: 64)) == 400)
    #expect(Self.status("1;" + String(repeating: "n", count: 200), limits: HTTPLimits(maxHeaderBytes: 64)) == 400)
    let thirty = ";" + String(repeating: "e", count: 29)
    #expect(Self.status("1\(thirty)\nx\n1\(thirty)\nx\n1\(thirty)\nx\n0\n\n", limits: HTTPLimits(maxHeaderBytes: 64)) == 400)
    // Trailers count with the head: `small` has room for the Host and two more fields.
    let chunkedSmall = "POST / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n"
    #expect(ParserFeed.status(chunkedSmall + "0\nA: 1\n\n", limits: HTTPLimits(maxHeaderCount: 3)) == 0)
    #expect(ParserFeed.status(chunkedSmall + "0\nA: 1\nB: 2\n\n", limits: HTTPLimits(maxHeaderCount: 3)) == 431)
    // The head is 56 bytes with its CRLFs; `A: 123`, its CRLF and the blank line take 10 more.
    let trailerRoom = HTTPLimits(maxHeaderBytes: chunkedSmall.replacing("\n", with: "\r\n").utf8.count + 10)
    #expect(ParserFeed.status(chunkedSmall + "0\nA: 123\n\n", limits: trailerRoom) == 0)
    #expect(ParserFeed.status(chunkedSmall + "0\nA: 1234\n\n", limits: trailerRoom) == 431)
  }
}
