import Testing

@testable import HTTPServer

@Suite struct HTTPResponseTests {
  static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  @Test func serializesStatusHeadersLengthAndConnection() {
    let response = HTTPResponse.text(202, "accepted")
    #expect(
      Self.text(response.serialized(keepAlive: true))
        == "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n"
        + "Connection: keep-alive\r\n\r\naccepted\n")
    #expect(
      Self.text(response.serialized(keepAlive: false, headOnly: true))
        == "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n"
        + "Connection: close\r\n\r\n")
    let json = HTTPResponse.json(200, Array("{}".utf8))
    #expect(
      Self.text(json.serialized(keepAlive: true))
        == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")
  }

  @Test func bodylessStatuses() {
    let noContent = HTTPResponse(status: 204, body: Array("ignored".utf8))
    #expect(Self.text(noContent.serialized(keepAlive: true)) == "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n")
    #expect(Self.text(HTTPResponse(status: 100).serialized(keepAlive: true)) == "HTTP/1.1 100 Continue\r\n\r\n")
    #expect(HTTPResponse.continueBytes == HTTPResponse(status: 100).serialized(keepAlive: false))
    #expect(Self.text(HTTPResponse(status: 299).serialized(keepAlive: false)).hasPrefix("HTTP/1.1 299 \r\n"))
  }

  @Test func headersThatCouldSplitTheResponseAreLeftOut() {
    let response = HTTPResponse(
      status: 200,
      headers: [
        HTTPHeader(name: "X-Ok", value: "a\tb"),
        HTTPHeader(name: "X-Split", value: "a\r\nSet-Cookie: evil"),
        HTTPHeader(name: "X-LF", value: "a\nb"),
        HTTPHeader(name: "X-NUL", value: "a\u{0}b"),
        HTTPHeader(name: "Bad Name", value: "v"),
        HTTPHeader(name: "X\r\nInjected", value: "v"),
        HTTPHeader(name: "", value: "v"),
        HTTPHeader(name: "content-length", value: "99"),
        HTTPHeader(name: "Transfer-Encoding", value: "chunked"),
        HTTPHeader(name: "Connection", value: "upgrade"),
      ],
      body: Array("x".utf8))
    #expect(
      Self.text(response.serialized(keepAlive: false))
        == "HTTP/1.1 200 OK\r\nX-Ok: a\tb\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx")
    #expect(!HTTPResponse.isWritable(HTTPHeader(name: "X", value: "\r")))
    #expect(HTTPResponse.isWritable(HTTPHeader(name: "X", value: "café")))
  }

  @Test func reasonPhrases() {
    let expected: [Int: String] = [
      100: "Continue", 200: "OK", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
      403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required",
      413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 429: "Too Many Requests",
      431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
      503: "Service Unavailable", 505: "HTTP Version Not Supported",
    ]
    for (status, phrase) in expected {
      #expect(HTTPResponse.reasonPhrase(status) == phrase)
    }
    #expect(HTTPResponse.reasonPhrase(599) == "")
  }

  @Test func errorResponse() {
    let error = HTTPRequestError(status: 400, reason: "bare LF (line ends must be CRLF)")
    #expect(error.description == "400 Bad Request: bare LF (line ends must be CRLF)")
    #expect(error.response == HTTPResponse.text(400, "bare LF (line ends must be CRLF)"))
  }
}
