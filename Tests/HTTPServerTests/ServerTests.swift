#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import Synchronization
import Testing

@testable import HTTPServer

/// The socket server, in process, over real loopback connections.
@Suite struct ServerTests {
  /// Set when a `/slow` request reaches the handler (the drain test waits for it).
  static let slowStarted = Mutex(false)

  struct Echo: HTTPHandler {
    func respond(to request: HTTPRequest, peer: String) -> HTTPResponse {
      if request.head.path == "/slow" {
        ServerTests.slowStarted.withLock { $0 = true }
        usleep(300_000)
      }
      return .text(200, "\(request.head.method) \(request.head.target) \(request.body.count)")
    }
  }

  /// A connected client socket with a receive timeout.
  final class Client {
    let fd: Int32

    init(port: UInt16) {
      fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
      _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
      var timeout = timeval(tv_sec: 5, tv_usec: 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) {
      let bytes = Array(text.utf8)
      _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything received until `count` responses are complete or the peer closes.
    func receive(responses count: Int) -> String {
      var text = ""
      var buffer = [UInt8](repeating: 0, count: 4096)
      while text.components(separatedBy: "HTTP/1.1 ").count - 1 < count || !Self.complete(text, count) {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        text += String(decoding: buffer[0..<n], as: UTF8.self)
      }
      return text
    }

    /// Whether the last of `count` responses has its whole body (by Content-Length).
    static func complete(_ text: String, _ count: Int) -> Bool {
      guard let last = text.range(of: "HTTP/1.1 ", options: .backwards), let blank = text.range(of: "\r\n\r\n", range: last.upperBound..<text.endIndex) else { return false }
      let head = text[last.lowerBound..<blank.lowerBound]
      guard let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
        let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
      else { return false }
      return text.utf8.distance(from: blank.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex) >= length
    }

    /// True when the server closed the connection (a read returns 0).
    func isClosedByPeer() -> Bool {
      var byte: UInt8 = 0
      return recv(fd, &byte, 1, 0) == 0
    }
  }

  func started(_ options: ServerOptions = ServerOptions()) throws -> HTTPServer {
    let address = try ListenAddress.parse("127.0.0.1:0").get()
    let server = HTTPServer(address: address, options: options, handler: Echo())
    try server.start()
    return server
  }

  @Test func keepAlivePipeliningAndChunkedBodies() throws {
    let server = try started()
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    let client = Client(port: server.boundPort)
    client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcPOST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
    let text = client.receive(responses: 3)
    #expect(text.contains("GET /a 0"))
    #expect(text.contains("POST /b 3"))
    #expect(text.contains("POST /c 2"))
    #expect(text.components(separatedBy: "Connection: keep-alive").count == 4)
    client.send("GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    let last = client.receive(responses: 1)
    #expect(last.contains("GET /d 0") && last.contains("Connection: close"))
    #expect(client.isClosedByPeer())
  }

  @Test func expectContinueGetsAnInterimResponse() throws {
    let server = try started()
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    let client = Client(port: server.boundPort)
    client.send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
    #expect(String(decoding: buffer[0..<max(n, 0)], as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
    client.send("body")
    #expect(client.receive(responses: 1).contains("POST /e 4"))
  }

  @Test func aSlowClientGets408AndIsClosed() throws {
    let server = try started(ServerOptions(requestSeconds: 0.4, idleSeconds: 5))
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    let client = Client(port: server.boundPort)
    client.send("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
    let started = DetachedThread.now()
    let text = client.receive(responses: 1)
    #expect(text.hasPrefix("HTTP/1.1 408 "))
    #expect(DetachedThread.now() - started < 3)
    #expect(client.isClosedByPeer())
  }

  @Test func malformedRequestsAreAnsweredAndClosed() throws {
    let server = try started()
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    for (request, status) in [
      ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
      ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"),
      ("GET / HTTP/1.1\r\n\r\n", "400"),
    ] {
      let client = Client(port: server.boundPort)
      client.send(request)
      #expect(client.receive(responses: 1).hasPrefix("HTTP/1.1 \(status) "), "\(request)")
      #expect(client.isClosedByPeer())
    }
  }

  @Test func connectionsBeyondTheLimitGet503() throws {
    let server = try started(ServerOptions(maxConnections: 1))
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    let first = Client(port: server.boundPort)
    first.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
    #expect(first.receive(responses: 1).contains("GET /1 0"))
    let second = Client(port: server.boundPort)
    #expect(second.receive(responses: 1).hasPrefix("HTTP/1.1 503 "))
  }

  @Test func drainingAnswersTheRequestInFlightThenCloses() throws {
    let server = try started()
    let client = Client(port: server.boundPort)
    client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    // Stop only once the request is in the handler (a loaded machine may take a while to read it).
    let deadline = DetachedThread.now() + 5
    while !ServerTests.slowStarted.withLock({ $0 }) && DetachedThread.now() < deadline { usleep(1000) }
    server.stop()
    let text = client.receive(responses: 1)
    #expect(text.contains("GET /slow 0"))
    #expect(text.contains("Connection: close"))
    #expect(server.waitUntilDrained())
    #expect(server.openConnections == 0)
  }

  @Test func dateHeaderIsIMFFixdate() {
    // RFC 9110 §5.6.7's example.
    #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    #expect(HTTPDate.format(1_796_662_800) == "Mon, 07 Dec 2026 17:00:00 GMT")
  }

  @Test func listenAddresses() {
    #expect((try? ListenAddress.parse("127.0.0.1:8787").get())?.isLoopback == true)
    #expect((try? ListenAddress.parse("[::1]:80").get())?.isLoopback == true)
    #expect((try? ListenAddress.parse("localhost:9").get())?.host == "127.0.0.1")
    #expect((try? ListenAddress.parse("0.0.0.0:8787").get())?.isLoopback == false)
    for bad in ["127.0.0.1", "example.com:80", "127.0.0.1:99999", "[::1:80", "1.2.3.4:-1", "1.2.3.4: 80"] {
      #expect((try? ListenAddress.parse(bad).get()) == nil, "\(bad)")
    }
  }
}

extension ServerTests {
  @Test func requestBytesHeldAcrossConnectionsAreBounded() throws {
    let server = try started(ServerOptions(maxBufferedBytes: 1000))
    defer {
      server.stop()
      server.waitUntilDrained()
    }
    // A body arriving slowly holds its bytes; a second connection that would pass the budget
    // is answered 503 and closed, and the first still completes.
    let first = Client(port: server.boundPort)
    first.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" + String(repeating: "a", count: 600))
    usleep(200_000)
    let second = Client(port: server.boundPort)
    second.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 600\r\n\r\n" + String(repeating: "b", count: 600))
    #expect(second.receive(responses: 1).hasPrefix("HTTP/1.1 503 "))
    first.send(String(repeating: "a", count: 300))
    #expect(first.receive(responses: 1).contains("POST /a 900"))
    // The connection's thread releases the bytes after its answer is sent, so the client can
    // read the answer first: wait for it (at most 5 s).
    let deadline = DetachedThread.now() + 5
    while server.heldRequestBytes != 0 && DetachedThread.now() < deadline { usleep(1000) }
    #expect(server.heldRequestBytes == 0)
  }
}
