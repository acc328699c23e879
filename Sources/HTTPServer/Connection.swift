#if canImport(Glibc)
  import Glibc
#endif

/// One client connection, served on its own thread: read, parse, answer, until the client
/// closes, asks to close, errs, times out or the server drains.
///
/// Deadlines: a request must arrive whole within `requestSeconds` of its first byte (else 408
/// and close: the slow-client defence); a kept-alive connection may wait `idleSeconds` for the
/// next request's first byte (then it is closed without a word, as RFC 9112 §9.5 allows). Every
/// wait is cut into `HTTPServer.pollSlice` so a drain is noticed within 100 ms.
struct Connection {
  let fd: Int32
  let peer: String
  let server: HTTPServer

  func serve() {
    var parser = HTTPRequestParser(limits: server.options.limits)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    let options = server.options
    var requestStart: Double? = nil
    var idleSince = DetachedThread.now()
    // Bytes read since the last answered request, counted against the server's budget.
    var held = 0
    defer { server.release(held) }
    while true {
      // Everything the bytes so far give, in order (pipelined requests included).
      do {
        events: while true {
          switch try parser.next() {
          case .needMore:
            break events
          case .continueExpected(let head):
            if let early = server.handler.answerBeforeBody(head, peer: peer) {
              _ = Self.sendAll(early.serialized(keepAlive: false), to: fd, timeoutSeconds: options.writeSeconds)
              return
            }
            guard Self.sendAll(HTTPResponse.continueBytes, to: fd, timeoutSeconds: options.writeSeconds) else { return }
          case .request(let request):
            var response = server.handler.respond(to: request, peer: peer)
            response.headers.append(HTTPHeader(name: "Date", value: HTTPDate.now()))
            let keepAlive = request.head.keepAlive && !server.isDraining && response.status < 500
            let bytes = response.serialized(keepAlive: keepAlive, headOnly: request.head.method == "HEAD")
            guard Self.sendAll(bytes, to: fd, timeoutSeconds: options.writeSeconds), keepAlive else { return }
            requestStart = parser.hasBufferedBytes ? DetachedThread.now() : nil
            idleSince = DetachedThread.now()
            // What the answered request consumed is no longer held; a pipelined rest still is.
            let rest = min(parser.unconsumedByteCount, held)
            server.release(held - rest)
            held = rest
          }
        }
      } catch {
        server.handler.refused(status: error.status, peer: peer)
        _ = Self.sendAll(HTTPResponse.text(error.status, error.reason).serialized(keepAlive: false), to: fd, timeoutSeconds: 1)
        return
      }
      // Wait for more bytes, within the deadline that applies.
      let now = DetachedThread.now()
      let deadline: Double
      if let start = requestStart {
        deadline = start + options.requestSeconds
      } else {
        if server.isDraining { return }
        deadline = idleSince + options.idleSeconds
      }
      if now >= deadline {
        if requestStart != nil {
          server.handler.refused(status: 408, peer: peer)
          _ = Self.sendAll(HTTPResponse.text(408, "the request did not arrive in time").serialized(keepAlive: false), to: fd, timeoutSeconds: 1)
        }
        return
      }
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let slice = Int32(min(Double(HTTPServer.pollSlice), ((deadline - now) * 1000).rounded(.up)))
      let ready = poll(&poller, 1, max(slice, 1))
      if ready == 0 { continue }
      if ready < 0 {
        if errno == EINTR { continue }
        return
      }
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count == 0 { return }
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        return
      }
      guard server.hold(count) else {
        server.handler.refused(status: 503, peer: peer)
        let busy = HTTPResponse(status: 503, headers: [HTTPHeader(name: "Retry-After", value: "1")], body: Array("the server holds too many request bytes; retry\n".utf8))
        _ = Self.sendAll(busy.serialized(keepAlive: false), to: fd, timeoutSeconds: 1)
        return
      }
      held += count
      if requestStart == nil { requestStart = DetachedThread.now() }
      buffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
  }

  /// Closes after a lingering read: the write side is shut first and what the client still
  /// sends is read and dropped (at most 256 KiB, 0.5 s), so a response sent just before closing
  /// is not destroyed by a reset when unread request bytes remain (RFC 9112 §9.6).
  static func closeGently(_ fd: Int32) {
    shutdown(fd, Int32(SHUT_WR))
    var scratch = [UInt8](repeating: 0, count: 16 * 1024)
    var drained = 0
    let deadline = DetachedThread.now() + 0.5
    while drained < 256 * 1024 {
      let remaining = deadline - DetachedThread.now()
      guard remaining > 0 else { break }
      var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, Int32((remaining * 1000).rounded(.up))) > 0 else { break }
      let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard n > 0 else { break }
      drained += n
    }
    close(fd)
  }

  /// Writes all of `bytes`, waiting at most `timeoutSeconds` in total; false when the client is
  /// gone or too slow to read (the connection is then closed by the caller).
  @discardableResult
  static func sendAll(_ bytes: [UInt8], to fd: Int32, timeoutSeconds: Double) -> Bool {
    let deadline = DetachedThread.now() + timeoutSeconds
    var sent = 0
    return bytes.withUnsafeBytes { raw -> Bool in
      while sent < raw.count {
        let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        if n > 0 {
          sent += n
          continue
        }
        guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return false }
        let remaining = deadline - DetachedThread.now()
        guard remaining > 0 else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&poller, 1, Int32(min(remaining * 1000, 1000).rounded(.up)))
      }
      return true
    }
  }
}
