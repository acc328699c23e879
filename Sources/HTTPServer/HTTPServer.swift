#if canImport(Glibc)
  import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: one accepting thread and one thread per connection
/// (at most `ServerOptions.maxConnections`), so both cores serve requests and a handler may
/// block (the collector waits for its fsync) without holding up other connections.
///
/// `start()` binds and returns once connections are accepted. `stop()` begins the drain: no new
/// connection is accepted, idle kept-alive connections close within `pollSlice`, a request in
/// flight is answered (with `Connection: close`); `waitUntilDrained()` returns when every
/// connection is gone or `drainSeconds` have passed.
public final class HTTPServer: @unchecked Sendable {
  /// How often a waiting thread looks at the drain flag, in milliseconds.
  static let pollSlice: Int32 = 100

  public let address: ListenAddress
  let options: ServerOptions
  let handler: any HTTPHandler
  private var listener: Int32 = -1
  private let state = ServerState()

  public init(address: ListenAddress, options: ServerOptions = ServerOptions(), handler: any HTTPHandler) {
    self.address = address
    self.options = options
    self.handler = handler
  }

  /// The port bound (the one asked for, or the one the system chose for port 0).
  public private(set) var boundPort: UInt16 = 0

  /// Connections being served now.
  public var openConnections: Int { state.open }

  /// Binds, listens and starts the accepting thread.
  public func start() throws(HTTPServerError) {
    let family = address.isIPv6 ? AF_INET6 : AF_INET
    let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .socket(operation: "socket", address: address.description, code: errno) }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    let bound: Int32
    if address.isIPv6 {
      var sin6 = sockaddr_in6()
      sin6.sin6_family = sa_family_t(AF_INET6)
      sin6.sin6_port = address.port.bigEndian
      inet_pton(AF_INET6, address.host, &sin6.sin6_addr)
      setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
      bound = withUnsafePointer(to: &sin6) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
      }
    } else {
      var sin = sockaddr_in()
      sin.sin_family = sa_family_t(AF_INET)
      sin.sin_port = address.port.bigEndian
      inet_pton(AF_INET, address.host, &sin.sin_addr)
      bound = withUnsafePointer(to: &sin) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
    }
    guard bound == 0 else {
      let code = errno
      close(fd)
      throw .socket(operation: "bind", address: address.description, code: code)
    }
    guard listen(fd, 1024) == 0 else {
      let code = errno
      close(fd)
      throw .socket(operation: "listen", address: address.description, code: code)
    }
    boundPort = Self.localPort(of: fd) ?? address.port
    listener = fd
    let server = self
    guard DetachedThread.start(name: "accept", { server.acceptLoop() }) else {
      close(fd)
      throw .socket(operation: "pthread_create", address: address.description, code: EAGAIN)
    }
  }

  /// Stops accepting and asks every connection to finish.
  public func stop() {
    state.beginDrain()
  }

  /// Waits until no connection is open or `drainSeconds` passed; true when all closed.
  @discardableResult
  public func waitUntilDrained() -> Bool {
    state.waitUntilIdle(timeoutSeconds: options.drainSeconds)
  }

  var isDraining: Bool { state.draining }

  /// Request bytes held across connections (for tests and metrics).
  public var heldRequestBytes: Int { state.held }

  /// Counts request bytes a connection holds against `ServerOptions.maxBufferedBytes`.
  func hold(_ count: Int) -> Bool { state.hold(count, limit: options.maxBufferedBytes) }
  func release(_ count: Int) { state.release(count) }

  private func acceptLoop() {
    var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
    while !state.draining {
      let ready = poll(&poller, 1, Self.pollSlice)
      if ready <= 0 { continue }
      var peerAddress = sockaddr_storage()
      var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
      let client = withUnsafeMutablePointer(to: &peerAddress) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
      }
      if client < 0 {
        // EMFILE/ENFILE: out of descriptors; wait a slice rather than spin.
        if errno == EMFILE || errno == ENFILE { usleep(UInt32(Self.pollSlice) * 1000) }
        continue
      }
      _ = fcntl(client, F_SETFD, FD_CLOEXEC)
      let peer = Self.describe(&peerAddress)
      var one: Int32 = 1
      setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      let admission = state.admit(limit: options.maxConnections)
      guard admission == .admitted else {
        handler.refused(status: 503, peer: peer)
        let why = admission == .draining ? "the server is shutting down" : "too many connections"
        let busy = HTTPResponse(status: 503, headers: [HTTPHeader(name: "Retry-After", value: "1")], body: Array("\(why)\n".utf8))
        Connection.sendAll(busy.serialized(keepAlive: false), to: client, timeoutSeconds: 1)
        close(client)
        continue
      }
      let server = self
      let started = DetachedThread.start(name: "conn") {
        Connection(fd: client, peer: peer, server: server).serve()
        Connection.closeGently(client)
        server.state.leave()
      }
      if !started {
        handler.refused(status: 503, peer: peer)
        Connection.sendAll(HTTPResponse.text(503, "the server cannot take a connection now").serialized(keepAlive: false), to: client, timeoutSeconds: 1)
        close(client)
        state.leave()
      }
    }
    close(listener)
  }

  private static func localPort(of fd: Int32) -> UInt16? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let ok = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard ok == 0 else { return nil }
    return port(of: storage)
  }

  private static func port(of storage: sockaddr_storage) -> UInt16 {
    var copy = storage
    return withUnsafeBytes(of: &copy) { raw -> UInt16 in
      if storage.ss_family == sa_family_t(AF_INET6) {
        return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
      }
      return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
    }
  }

  private static func describe(_ storage: inout sockaddr_storage) -> String {
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    let copy = storage
    let port = port(of: copy)
    let isIPv6 = copy.ss_family == sa_family_t(AF_INET6)
    withUnsafeBytes(of: copy) { raw in
      if isIPv6 {
        var address = raw.load(as: sockaddr_in6.self).sin6_addr
        inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
      } else {
        var address = raw.load(as: sockaddr_in.self).sin_addr
        inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
      }
    }
    let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
  }
}
