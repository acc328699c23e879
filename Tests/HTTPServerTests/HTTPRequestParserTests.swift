import Testing

@testable import HTTPServer

/// Requests the parser accepts, each also fed one byte at a time and split at every position
/// (`ParserFeed`). `\n` in the texts is written as CRLF.
@Suite struct HTTPRequestParserTests {
  @Test func simpleGet() throws {
    let outcome = ParserFeed.outcome("GET /v1/customerio?x=1&y=2 HTTP/1.1\nHost: collector.example:8080\nUser-Agent: t\n\n")
    #expect(outcome.error == nil)
    let request = try #require(outcome.requests.first)
    #expect(outcome.events.count == 1)
    let head = request.head
    #expect(head.method == "GET")
    #expect(head.target == "/v1/customerio?x=1&y=2")
    #expect(head.path == "/v1/customerio")
    #expect(head.query == "x=1&y=2")
    #expect(head.minorVersion == 1)
    #expect(
      head.headers == [HTTPHeader(name: "Host", value: "collector.example:8080"), HTTPHeader(name: "User-Agent", value: "t")])
    #expect(head.keepAlive)
    #expect(!head.expectsContinue)
    #expect(head.contentLength == nil)
    #expect(!head.isChunked)
    #expect(request.body.isEmpty)
  }

  @Test func targetForms() throws {
    let question = try #require(ParserFeed.outcome("GET /a?b?c HTTP/1.1\nHost: h\n\n").requests.first)
    #expect(question.head.path == "/a" && question.head.query == "b?c")
    let empty = try #require(ParserFeed.outcome("GET /a? HTTP/1.1\nHost: h\n\n").requests.first)
    #expect(empty.head.path == "/a" && empty.head.query == "")
    let encoded = try #require(ParserFeed.outcome("GET /a%20b/%3F HTTP/1.1\nHost: h\n\n").requests.first)
    #expect(encoded.head.path == "/a%20b/%3F")
    let star = try #require(ParserFeed.outcome("OPTIONS * HTTP/1.1\nHost: h\n\n").requests.first)
    #expect(star.head.target == "*" && star.head.path == "*")
    let method = try #require(ParserFeed.outcome("M-SEARCH / HTTP/1.1\nHost: h\n\n").requests.first)
    #expect(method.head.method == "M-SEARCH")
  }

  @Test func keepAliveDefaults() {
    func keepAlive(_ text: String) -> Bool? { ParserFeed.outcome(text).requests.first?.head.keepAlive }
    #expect(keepAlive("GET / HTTP/1.1\nHost: h\n\n") == true)
    #expect(keepAlive("GET / HTTP/1.1\nHost: h\nConnection: close\n\n") == false)
    #expect(keepAlive("GET / HTTP/1.1\nHost: h\nConnection: Upgrade, CLOSE\n\n") == false)
    #expect(keepAlive("GET / HTTP/1.1\nHost: h\nConnection: keep-alive\nConnection: close\n\n") == false)
    #expect(keepAlive("GET / HTTP/1.1\nHost: h\nConnection: closed\n\n") == true)
    #expect(keepAlive("GET / HTTP/1.0\n\n") == false)
    #expect(keepAlive("GET / HTTP/1.0\nConnection: Keep-Alive\n\n") == true)
    #expect(keepAlive("GET / HTTP/1.0\nConnection: keep-alive, close\n\n") == false)
    #expect(keepAlive("GET / HTTP/1.0\nHost: h\n\n") == false)
  }

  @Test func headerNamesAsReceivedAndValuesTrimmed() throws {
    let text = "POST /p HTTP/1.1\nhOsT: h\ncOnTeNt-LeNgTh: 3\nX-Sig:  \t a b \t \nX-Empty:\nX-Blank:   \n\nabc"
    let request = try #require(ParserFeed.outcome(text).requests.first)
    #expect(request.head.headers.map(\.name) == ["hOsT", "cOnTeNt-LeNgTh", "X-Sig", "X-Empty", "X-Blank"])
    #expect(request.head.headers.values(named: "x-sig") == ["a b"])
    #expect(request.head.headers.values(named: "X-EMPTY") == [""])
    #expect(request.head.headers.values(named: "x-blank") == [""])
    #expect(request.head.contentLength == 3)
    #expect(request.body == Array("abc".utf8))
  }

  @Test func obsTextInValuesIsKept() throws {
    let bytes = Array("GET / HTTP/1.1\r\nHost: h\r\nX-Name: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8)
    let request = try #require(ParserFeed.outcome(bytes).requests.first)
    #expect(request.head.headers.values(named: "x-name") == ["café"])
  }

  @Test func contentLengthBody() throws {
    let outcome = ParserFeed.outcome("POST /hook HTTP/1.1\nHost: h\nContent-Length: 11\n\n{\"a\":[1,2]}")
    let request = try #require(outcome.requests.first)
    #expect(request.body == Array("{\"a\":[1,2]}".utf8))
    let zero = try #require(ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nContent-Length: 000\n\n").requests.first)
    #expect(zero.head.contentLength == 0 && zero.body.isEmpty)
    let http10 = try #require(ParserFeed.outcome("POST / HTTP/1.0\nContent-Length: 2\n\nhi").requests.first)
    #expect(http10.body == Array("hi".utf8))
  }

  @Test func pipelinedRequests() {
    let text =
      "POST /a HTTP/1.1\nHost: h\nContent-Length: 5\n\nhello"
      + "GET /b HTTP/1.1\nHost: h\n\n"
      + "POST /c HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n3\nxyz\n0\n\n"
      + "GET /d HTTP/1.1\nHost: h\nConnection: close\n\n"
    let outcome = ParserFeed.outcome(text)
    #expect(outcome.error == nil)
    #expect(outcome.requests.map(\.head.path) == ["/a", "/b", "/c", "/d"])
    #expect(outcome.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["hello", "", "xyz", ""])
    #expect(outcome.requests.map(\.head.keepAlive) == [true, true, true, false])
  }

  @Test func bytesAfterARequestStayBuffered() throws {
    var parser = HTTPRequestParser()
    #expect(!parser.hasBufferedBytes)
    parser.append(Array("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HT".utf8))
    #expect(parser.hasBufferedBytes)
    guard case .request(let first) = try parser.next() else { throw Failure("no first request") }
    #expect(first.head.path == "/a")
    #expect(parser.hasBufferedBytes)
    #expect(try parser.next() == .needMore)
    parser.append(Array("TP/1.1\r\nHost: h\r\n\r\n".utf8))
    guard case .request(let second) = try parser.next() else { throw Failure("no second request") }
    #expect(second.head.path == "/b")
    #expect(!parser.hasBufferedBytes)
    #expect(try parser.next() == .needMore)
    parser.append(Array("\r\n".utf8))
    #expect(try parser.next() == .needMore)
    #expect(parser.hasBufferedBytes, "a blank line before a request counts")
  }

  @Test func hasBufferedBytesWhileTheBodyIsComing() throws {
    var parser = HTTPRequestParser()
    parser.append(Array("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n".utf8))
    #expect(try parser.next() == .needMore)
    #expect(parser.hasBufferedBytes)
    parser.append(Array("ok".utf8))
    guard case .request = try parser.next() else { throw Failure("no request") }
    #expect(!parser.hasBufferedBytes)
  }

  @Test func blankLinesBeforeTheRequestLine() {
    #expect(ParserFeed.outcome("\n\nGET / HTTP/1.1\nHost: h\n\n").requests.count == 1)
    let eight = String(repeating: "\n", count: HTTPRequestParser.maxEmptyLinesBeforeRequest)
    #expect(ParserFeed.outcome(eight + "GET / HTTP/1.1\nHost: h\n\n").requests.count == 1)
    #expect(ParserFeed.status(eight + "\nGET / HTTP/1.1\nHost: h\n\n") == 400)
    // One CRLF after each body, as some old clients send, never adds up.
    let twice = "POST / HTTP/1.1\nHost: h\nContent-Length: 1\n\nx\n"
    #expect(ParserFeed.outcome(String(repeating: twice, count: 12)).requests.count == 12)
  }

  @Test func expectContinue() throws {
    let outcome = ParserFeed.outcome("POST /e HTTP/1.1\nHost: h\nExpect: 100-Continue\nContent-Length: 4\n\nbody")
    #expect(outcome.events.count == 2)
    guard case .continueExpected(let head) = outcome.events.first else { throw Failure("no continueExpected") }
    #expect(head.expectsContinue && head.contentLength == 4 && head.path == "/e")
    #expect(outcome.requests.first?.head == head)
    #expect(outcome.requests.first?.body == Array("body".utf8))

    let chunked = ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nExpect: 100-continue\nTransfer-Encoding: chunked\n\n0\n\n")
    #expect(chunked.events.count == 2)
    // No body to wait for, or HTTP/1.0 (whose expectation is ignored): no event.
    let empty = ParserFeed.outcome("POST / HTTP/1.1\nHost: h\nExpect: 100-continue\nContent-Length: 0\n\n")
    #expect(empty.events.count == 1 && empty.requests.first?.head.expectsContinue == true)
    let http10 = ParserFeed.outcome("POST / HTTP/1.0\nExpect: 100-continue\nContent-Length: 1\n\nx")
    #expect(http10.events.count == 1 && http10.requests.first?.head.expectsContinue == false)
  }

  @Test func continueExpectedComesBeforeTheBody() throws {
    var parser = HTTPRequestParser()
    parser.append(Array("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
    guard case .continueExpected = try parser.next() else { throw Failure("no continueExpected") }
    #expect(try parser.next() == .needMore)
    parser.append(Array("ok".utf8))
    guard case .request(let request) = try parser.next() else { throw Failure("no request") }
    #expect(request.body == Array("ok".utf8))
  }

  /// Many requests in pieces of an odd size: the consumed bytes are dropped from the buffer as
  /// they pile up, and nothing is lost across it.
  @Test func manyPipelinedRequestsInOddPieces() {
    var bytes: [UInt8] = []
    for i in 0..<1500 {
      let body = String(repeating: "b", count: i % 37)
      bytes += Array("POST /\(i) HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }
    let outcome = ParserFeed.run(bytes, cuts: Array(stride(from: 997, to: bytes.count, by: 997)), limits: HTTPLimits())
    #expect(outcome.error == nil)
    #expect(outcome.requests.count == 1500)
    #expect(outcome.requests.last?.head.path == "/1499")
    #expect(outcome.requests.allSatisfy { r in Int(r.head.path.dropFirst()).map { $0 % 37 } == r.body.count })
  }

  @Test func errorsAreSticky() {
    var parser = HTTPRequestParser()
    parser.append(Array("GET / HTTP/2.0\r\n".utf8))
    let first = #expect(throws: HTTPRequestError.self) { try parser.next() }
    parser.append(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
    let second = #expect(throws: HTTPRequestError.self) { try parser.next() }
    #expect(first == second && first?.status == 505)
    #expect(first?.description == "505 HTTP Version Not Supported: only HTTP/1.0 and HTTP/1.1 are served")
  }
}
