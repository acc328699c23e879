/// The bytes of an Avro file read in order through a 64 KiB buffer, counting the file offset,
/// with the header's and block framing's primitives: zig-zag varint longs and byte strings.
///
/// Every read names what it reads, so a truncated or corrupt file is reported as "the file ends
/// inside <what>" at the byte where it happened. A byte string is read into an array that grows
/// as its bytes arrive (reserving at most 1 MiB ahead), so a claimed length never allocates more
/// than the file holds.
struct AvroInput {
  let source: ByteSource
  private var buffer: [UInt8]
  private var start = 0
  private var filled = 0
  /// The file offset of the next unread byte.
  private(set) var offset = 0
  private var exhausted = false

  static let corrupt = "the file is corrupt or cut short; re-download or re-export it"

  init(source: ByteSource, bufferSize: Int = 1 << 16) {
    self.source = source
    buffer = [UInt8](repeating: 0, count: bufferSize)
  }

  var path: String { source.path }

  func failure(_ reason: String, at offset: Int? = nil) -> IngestError {
    .invalidAvro(path: source.path, offset: offset ?? self.offset, reason: reason)
  }

  /// Reads more into the buffer; false at the end of the file.
  private mutating func refill() throws(IngestError) -> Bool {
    guard !exhausted else { return false }
    if start == filled {
      start = 0
      filled = 0
    }
    if filled == buffer.count {
      buffer.withUnsafeMutableBytes { raw in
        raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: filled - start)
      }
      filled -= start
      start = 0
    }
    let capacity = buffer.count - filled
    let from = filled
    var failure: IngestError? = nil
    let n = buffer.withUnsafeMutableBytes { raw -> Int in
      do throws(IngestError) {
        return try source.read(into: raw.baseAddress! + from, count: capacity)
      } catch {
        failure = error
        return 0
      }
    }
    if let failure { throw failure }
    if n == 0 {
      exhausted = true
      return false
    }
    filled += n
    return true
  }

  /// True when no byte is left.
  mutating func isAtEnd() throws(IngestError) -> Bool {
    if start < filled { return false }
    return try !refill()
  }

  /// One byte; `what` names what is being read in the message at the end of the file.
  mutating func byte(_ what: @autoclosure () -> String) throws(IngestError) -> UInt8 {
    if start == filled {
      guard try refill() else { throw failure("the file ends inside \(what()); \(Self.corrupt)") }
    }
    let b = buffer[start]
    start += 1
    offset += 1
    return b
  }

  /// A zig-zag varint long (at most 10 bytes, the 10th at most 1).
  mutating func long(_ what: @autoclosure () -> String) throws(IngestError) -> Int64 {
    let begin = offset
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let b = try byte(what())
      if shift == 63 && b > 1 {
        throw failure("\(what()) is a varint longer than 64 bits; \(Self.corrupt)", at: begin)
      }
      value |= UInt64(b & 0x7F) << shift
      if b < 0x80 { break }
      shift += 7
    }
    return Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
  }

  /// `count` bytes (`count` ≥ 0 checked by the caller).
  mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws(IngestError) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(min(count, 1 << 20))
    while result.count < count {
      if start == filled {
        guard try refill() else { throw failure("the file ends inside \(what()); \(Self.corrupt)") }
      }
      let n = min(count - result.count, filled - start)
      result.append(contentsOf: buffer[start..<start + n])
      start += n
      offset += n
    }
    return result
  }

  /// A length-prefixed byte string of at most `limit` bytes.
  mutating func string(_ what: @autoclosure () -> String, limit: Int) throws(IngestError) -> [UInt8] {
    let at = offset
    let length = try long("the length of \(what())")
    guard length >= 0 else { throw failure("the length of \(what()) is negative (\(length)); \(Self.corrupt)", at: at) }
    guard length <= limit else {
      throw failure(
        "\(what()) claims \(length) bytes, more than the header's limit of \(limit) bytes; check that this is an Avro file, else re-export it",
        at: at)
    }
    return try bytes(Int(length), what())
  }
}
