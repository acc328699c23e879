@testable import HTTPServer
@testable import Signatures

/// The request parser on any bytes (`http-request`), and SHA-256 and HMAC-SHA256 against their
/// own one-shot forms (`hmac`).
enum HTTPTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [("http-request", request), ("hmac", hmac)]

  /// Small bounds, which short inputs can reach, and the defaults.
  static let limitSets = [HTTPLimits(maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 512), HTTPLimits()]

  /// The input appended whole, one byte at a time (up to 8 KiB of input) and in pieces of
  /// input-derived sizes must give the same events and the same error; every request must keep
  /// the limits and agree with its own head; a response carrying the request's header fields
  /// must not gain a line.
  static func request(_ bytes: [UInt8]) {
    for limits in limitSets {
      let whole = feed(bytes, limits: limits, pieces: { _ in bytes.count })
      if bytes.count <= 8192 {
        let bytewise = feed(bytes, limits: limits, pieces: { _ in 1 })
        FuzzTargets.check(bytewise == whole, "one byte at a time: \(bytewise), whole: \(whole)")
      }
      var state = seed(bytes)
      let pieces = feed(bytes, limits: limits) { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return 1 + Int(truncatingIfNeeded: state >> 33) % 97
      }
      FuzzTargets.check(pieces == whole, "in pieces: \(pieces), whole: \(whole)")
      check(whole, limits: limits)
    }
  }

  struct Outcome: Equatable, CustomStringConvertible {
    var events: [HTTPRequestParser.Event] = []
    var error: HTTPRequestError?
    var description: String { "\(events.count) events, error \(error.map(\.description) ?? "none")" }
  }

  /// Appends `bytes` in pieces of `pieces(offset)` bytes, calling `next()` until `.needMore`
  /// after each.
  static func feed(_ bytes: [UInt8], limits: HTTPLimits, pieces: (Int) -> Int) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    bytes.withUnsafeBytes { raw in
      var from = 0
      repeat {
        let to = Swift.min(raw.count, from + Swift.max(1, pieces(from)))
        parser.append(UnsafeRawBufferPointer(rebasing: raw[from..<to]))
        from = to
        do throws(HTTPRequestError) {
          while true {
            let event = try parser.next()
            if event == .needMore { break }
            outcome.events.append(event)
          }
        } catch {
          outcome.error = error
          return
        }
      } while from < raw.count
    }
    return outcome
  }

  static func check(_ outcome: Outcome, limits: HTTPLimits) {
    if let error = outcome.error {
      FuzzTargets.check([400, 413, 414, 431, 501, 505].contains(error.status), "an error with status \(error.status)")
    }
    var pending: HTTPRequestHead?
    for event in outcome.events {
      switch event {
      case .needMore:
        FuzzTargets.check(false, "needMore collected")
      case .continueExpected(let head):
        FuzzTargets.check(pending == nil, "two continueExpected in a row")
        FuzzTargets.check(head.expectsContinue && head.minorVersion == 1, "continueExpected without Expect on HTTP/1.1")
        FuzzTargets.check(head.isChunked || (head.contentLength ?? 0) > 0, "continueExpected for an empty body")
        pending = head
      case .request(let request):
        let head = request.head
        if let expected = pending { FuzzTargets.check(head == expected, "the request's head differs from the continued one") }
        pending = nil
        FuzzTargets.check(request.body.count <= limits.maxBodyBytes, "a body of \(request.body.count) bytes")
        FuzzTargets.check(head.headers.count <= limits.maxHeaderCount, "\(head.headers.count) header fields")
        FuzzTargets.check(!(head.isChunked && head.contentLength != nil), "chunked with a Content-Length")
        if let length = head.contentLength { FuzzTargets.check(request.body.count == length, "a body not of its length") }
        if !head.isChunked && head.contentLength == nil { FuzzTargets.check(request.body.isEmpty, "a body without framing") }
        FuzzTargets.check((0...1).contains(head.minorVersion), "HTTP/1.\(head.minorVersion)")
        FuzzTargets.check(head.path.hasPrefix("/") || head.target == "*", "the target \(head.target)")
        FuzzTargets.check(head.minorVersion == 0 || head.headers.values(named: "host").count == 1, "HTTP/1.1 without one Host")
        let response = HTTPResponse(status: 200, headers: head.headers, body: request.body)
        let written = head.headers.filter(HTTPResponse.isWritable).filter {
          !$0.isNamed("content-length") && !$0.isNamed("transfer-encoding") && !$0.isNamed("connection")
        }
        let serialized = response.serialized(keepAlive: head.keepAlive, headOnly: true)
        let lines = serialized.filter { $0 == UInt8(ascii: "\n") }.count
        FuzzTargets.check(lines == written.count + 4, "a response head of \(lines) lines for \(written.count) fields")
      }
    }
  }

  /// FNV-1a of the input: the seed of the piece sizes.
  static func seed(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
  }

  /// The first byte is the key length (0–255, so keys beyond the 64-byte block are hashed), the
  /// next bytes the key, the rest the message; the message fed in input-derived pieces must give
  /// the one-shot SHA-256 and HMAC, and a key over 64 bytes the code of its digest as key.
  static func hmac(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let keyLength = Swift.min(Int(first), bytes.count - 1)
    let key = Array(bytes[1..<(1 + keyLength)])
    let message = Array(bytes[(1 + keyLength)...])
    let digest = SHA256.hash(message)
    let code = HMACSHA256.authenticationCode(for: message, key: key)
    var sha = SHA256()
    var mac = HMACSHA256(key: key)
    var state = seed(bytes)
    var from = 0
    while from < message.count {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let to = Swift.min(message.count, from + 1 + Int(truncatingIfNeeded: state >> 33) % 130)
      sha.update(message[from..<to])
      message.withUnsafeBytes { mac.update(UnsafeRawBufferPointer(rebasing: $0[from..<to])) }
      from = to
    }
    FuzzTargets.check(sha.finalize() == digest, "SHA-256 in pieces differs")
    FuzzTargets.check(mac.finalize() == code, "HMAC in pieces differs")
    FuzzTargets.check(digest.count == 32 && code.count == 32, "a digest not of 32 bytes")
    if key.count > SHA256.blockByteCount {
      FuzzTargets.check(
        HMACSHA256.authenticationCode(for: message, key: SHA256.hash(key)) == code, "a long key not hashed first")
    }
    var flipped = code
    flipped[Int(first) % flipped.count] ^= 1 << (first % 8)
    FuzzTargets.check(ConstantTime.equal(code, code) && !ConstantTime.equal(code, flipped), "constant-time comparison")
  }
}
