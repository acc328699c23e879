/// The HTTP/1.1 request parser (RFC 9112): bytes from a socket in, requests out, strict about
/// every form that lets a proxy and this server disagree on where a request ends.
///
/// Push-style and incremental: `append` whatever the socket gave, then call `next()` until it
/// returns `.needMore`. Any split of the same bytes, down to one byte per `append`, gives exactly
/// the same events and the same error (the tests and the `http-request` fuzz target check it):
/// every decision is made at a fixed byte of the input, never at the end of what has arrived.
/// Bytes past a complete request stay buffered for the next call (pipelining).
///
/// The head is read line by line and each line is checked when its CRLF arrives; the scan
/// resumes where it stopped, so a head arriving byte by byte is scanned once, not once per
/// piece. Consumed bytes are dropped from the front of the buffer in `append` once they are
/// half of it, and body bytes move into the request's body as they arrive. The rules, and the
/// status each refusal gets, are in `HTTPRequestParser+Head.swift` and
/// `HTTPRequestParser+Chunked.swift`; the bounds in `HTTPLimits`.
///
/// After an error the connection must be answered with the error's status and closed; `next()`
/// throws the same error again if it is called.
public struct HTTPRequestParser: Sendable {
  /// What `next()` found.
  public enum Event: Sendable, Equatable {
    /// No complete request (or head to answer) in the bytes so far: `append` more.
    case needMore
    /// An HTTP/1.1 head with `Expect: 100-continue` and a non-empty body (a Content-Length above
    /// zero, or chunked): write `HTTPResponse.continueBytes`, or a final status and close. It is
    /// returned once per such request, right after its head, whether or not body bytes have
    /// already arrived (so that it does not depend on how the bytes were split; RFC 9110,
    /// section 10.1.1 allows the 100 either way). The next call goes on with the body.
    case continueExpected(HTTPRequestHead)
    /// A complete request.
    case request(HTTPRequest)
  }

  /// What the parser is reading.
  enum Stage: Equatable {
    /// The request line, or the blank lines a client may send before it.
    case requestLine
    /// The header lines, up to the blank line.
    case headerLine
    /// A body of a declared length: this many bytes still to come.
    case body(remaining: Int)
    /// A chunk-size line.
    case chunkSize
    /// A chunk's data: this many bytes still to come.
    case chunkData(remaining: Int)
    /// The CRLF after a chunk's data: this many of its bytes already checked (0 or 1).
    case chunkDataEnd(checked: Int)
    /// The trailer lines after the last chunk, up to the blank line.
    case trailerLine
  }

  /// Blank lines (CRLF) ignored before a request line (RFC 9112, section 2.2); one more is 400.
  static let maxEmptyLinesBeforeRequest = 8

  let limits: HTTPLimits
  /// Received bytes; those before `start` are consumed.
  var buffer: [UInt8] = []
  var start = 0
  /// Where the line scan goes on: every byte from `start` to here is known to be neither CR
  /// nor LF, so no byte is examined twice (a CR at the end waits for the byte after it).
  var scan = 0
  var stage = Stage.requestLine
  var failure: HTTPRequestError?

  // The request being read; `finishRequest` resets these.
  var head = HTTPRequestHead(method: "", target: "")
  var body: [UInt8] = []
  var emptyLinesBeforeRequest = 0
  /// Bytes of the finished lines of the head and trailers, CRLFs included (the blank lines before
  /// the request line are not counted).
  var headBytes = 0
  /// Header fields and trailer fields so far.
  var fieldCount = 0
  /// Bytes of the chunk extensions so far (from the end of a chunk size to its CRLF).
  var extensionBytes = 0

  /// A parser with the given bounds and nothing received.
  ///
  /// A precondition requires every bound in 0...2^40, so that no sum of them overflows.
  public init(limits: HTTPLimits = HTTPLimits()) {
    let bounds = 0...(1 << 40)
    precondition(
      bounds.contains(limits.maxHeaderBytes) && bounds.contains(limits.maxHeaderCount)
        && bounds.contains(limits.maxBodyBytes), "HTTPLimits out of 0...2^40: \(limits)")
    self.limits = limits
  }

  /// Whether any byte of a request not yet returned has been received: a partial line, a
  /// finished head whose body is still coming, or blank lines before a request line. The server
  /// waits with its idle deadline while this is false and with its request deadline while true.
  /// Bytes received and not yet consumed by a returned request (the start of the next one).
  public var unconsumedByteCount: Int { buffer.count - start }

  public var hasBufferedBytes: Bool {
    start < buffer.count || stage != .requestLine || emptyLinesBeforeRequest > 0
  }

  /// Adds bytes received from the socket. Call `next()` until `.needMore` after each append,
  /// which keeps the buffer within about one read plus one head. Bytes appended after an error
  /// are ignored.
  public mutating func append(_ bytes: UnsafeRawBufferPointer) {
    guard failure == nil, bytes.count > 0 else { return }
    if start == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      start = 0
      scan = 0
    } else if start >= 4096 && start >= buffer.count / 2 {
      buffer.removeSubrange(0..<start)
      scan -= start
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// Adds bytes received from the socket (see `append(_:)` for raw bytes).
  public mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { append($0) }
  }

  /// The next event in the bytes received so far.
  ///
  /// - Throws: `HTTPRequestError` with the status to answer (400, 413, 414, 431, 501, 505) when
  ///   the bytes break a rule; every later call throws it again.
  public mutating func next() throws(HTTPRequestError) -> Event {
    if let failure { throw failure }
    do {
      return try step()
    } catch {
      failure = error
      throw error
    }
  }

  private mutating func step() throws(HTTPRequestError) -> Event {
    while true {
      switch stage {
      case .requestLine:
        let overflow = HTTPRequestError(status: 414, reason: "request line too long")
        guard let line = try nextLine(budget: limits.maxHeaderBytes, overflow: overflow) else { return .needMore }
        if line.isEmpty {
          emptyLinesBeforeRequest += 1
          guard emptyLinesBeforeRequest <= Self.maxEmptyLinesBeforeRequest else {
            throw .badRequest("too many blank lines before the request line")
          }
          continue
        }
        try readRequestLine(line)
        headBytes = line.count + 2
        stage = .headerLine
      case .headerLine:
        let overflow = HTTPRequestError(status: 431, reason: "request head too large")
        guard let line = try nextLine(budget: limits.maxHeaderBytes - headBytes, overflow: overflow) else {
          return .needMore
        }
        headBytes += line.count + 2
        if line.isEmpty {
          if let event = try finishHead() { return event }
        } else {
          head.headers.append(try readField(line))
        }
      case .body(let remaining):
        let n = takeBody(upTo: remaining)
        if n == remaining { return finishRequest() }
        stage = .body(remaining: remaining - n)
        return .needMore
      case .chunkSize:
        let budget = 16 + (limits.maxHeaderBytes - extensionBytes) + 2
        let overflow = HTTPRequestError.badRequest("chunk-size line too long")
        guard let line = try nextLine(budget: budget, overflow: overflow) else { return .needMore }
        let size = try readChunkSize(line)
        stage = size == 0 ? .trailerLine : .chunkData(remaining: size)
      case .chunkData(let remaining):
        let n = takeBody(upTo: remaining)
        guard n == remaining else {
          stage = .chunkData(remaining: remaining - n)
          return .needMore
        }
        stage = .chunkDataEnd(checked: 0)
      case .chunkDataEnd(let checked):
        guard try checkChunkDataEnd(alreadyChecked: checked) else { return .needMore }
        stage = .chunkSize
      case .trailerLine:
        let overflow = HTTPRequestError(status: 431, reason: "request head and trailers too large")
        guard let line = try nextLine(budget: limits.maxHeaderBytes - headBytes, overflow: overflow) else {
          return .needMore
        }
        headBytes += line.count + 2
        if line.isEmpty { return finishRequest() }
        _ = try readField(line, keep: false)
      }
    }
  }

  /// The next line from `start`, without its CRLF, consumed; nil if its CRLF has not arrived.
  ///
  /// Bytes are examined in order once each: a line longer than `budget` bytes with its CRLF is
  /// `overflow` as soon as its byte past the budget arrives; a LF without a CR before it, or a
  /// CR with anything but LF after it, is 400 (RFC 9112, section 2.2 lets a server refuse them,
  /// and a proxy that reads them otherwise would split requests differently). The returned range
  /// stays valid until the next `append`.
  mutating func nextLine(budget: Int, overflow: HTTPRequestError) throws(HTTPRequestError) -> Range<Int>? {
    var i = scan
    let end = buffer.count
    while i < end {
      if i - start + 1 > budget { throw overflow }
      let byte = buffer[i]
      if byte == HTTPSyntax.lf { throw .badRequest("bare LF (line ends must be CRLF)") }
      if byte == HTTPSyntax.cr {
        guard i + 1 < end else { break }
        if i - start + 2 > budget { throw overflow }
        guard buffer[i + 1] == HTTPSyntax.lf else { throw .badRequest("bare CR (line ends must be CRLF)") }
        let line = start..<i
        start = i + 2
        scan = start
        return line
      }
      i += 1
    }
    scan = i
    return nil
  }

  /// Moves up to `limit` received bytes into the body; how many moved.
  private mutating func takeBody(upTo limit: Int) -> Int {
    let n = Swift.min(limit, buffer.count - start)
    if n > 0 {
      body.append(contentsOf: buffer[start..<(start + n)])
      start += n
      scan = start
    }
    return n
  }

  /// Hands out the request read and gets ready for the next one.
  mutating func finishRequest() -> Event {
    let request = HTTPRequest(head: head, body: body)
    head = HTTPRequestHead(method: "", target: "")
    body = []
    stage = .requestLine
    emptyLinesBeforeRequest = 0
    headBytes = 0
    fieldCount = 0
    extensionBytes = 0
    return .request(request)
  }
}
