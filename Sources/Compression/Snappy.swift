/// A decompressor of raw Snappy (Google's block format, `format_description.txt`), as Avro's
/// `snappy` codec, Parquet and Kafka use it; not the framing format (`.sz`, `sNaPpY` chunks).
///
/// A block is a little-endian base-128 varint preamble holding the uncompressed length (at most
/// 2³² − 1, at most 5 bytes), then elements, each opened by a tag byte whose low two bits are its
/// kind:
/// - `00` literal: the length − 1 is the tag's upper six bits when below 60; 60–63 say that it
///   follows in 1–4 little-endian bytes; then the bytes themselves;
/// - `01` copy with a 1-byte offset: length 4–11 (tag bits 2–4, + 4), an 11-bit offset (tag bits
///   5–7 over the next byte);
/// - `10` and `11` copies with a 2- and 4-byte little-endian offset: length 1–64 (upper six bits,
///   + 1).
/// A copy repeats `length` bytes starting `offset` bytes back in the output, overlapping when the
/// offset is shorter than the length (offset 1 repeats one byte). Every bound is checked: an
/// offset of 0 or behind the start, a literal or copy past the preamble's length, an element cut
/// off by the end of the input, or output shorter than the preamble says, are all `corrupt` or
/// `truncated` errors naming the byte offset in the compressed input.
///
/// Memory: the output is allocated once, at the preamble's length, after checking it against
/// `limit` (`limitExceeded`) and against the most the input can expand to (a 3-byte copy writes
/// at most 64 bytes, so `count` compressed bytes give at most 22 · `count`): a hostile preamble
/// cannot make it allocate more than the limit, or more than the input can fill.
public enum Snappy {
  static let format = "Snappy"

  /// Decompresses one raw Snappy block.
  ///
  /// - Parameters:
  ///   - bytes: the compressed block, exactly (trailing bytes are an error).
  ///   - limit: the largest uncompressed size accepted.
  /// - Returns: the uncompressed bytes.
  /// - Throws: `CompressionError` naming the byte offset in `bytes`.
  public static func decompress(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
    try bytes.withUnsafeBufferPointer { (input) throws(CompressionError) -> [UInt8] in
      try decompress(input, limit: limit)
    }
  }

  /// Decompresses one raw Snappy block held in `input`.
  public static func decompress(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(CompressionError) -> [UInt8] {
    let (length, start) = try preamble(input)
    guard length <= limit else {
      throw .limitExceeded(format: format, offset: 0, limit: limit, what: "one Snappy block")
    }
    guard length <= (input.count - start) * 22 else {
      throw .corrupt(
        format: format, offset: 0,
        reason: "the block says it holds \(length) bytes, more than its \(input.count) compressed bytes can expand to")
    }
    var failure: CompressionError? = nil
    let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
      do throws(CompressionError) {
        try decode(input, from: start, into: buffer)
        initialized = length
      } catch {
        failure = error
        initialized = 0
      }
    }
    if let failure { throw failure }
    return output
  }

  /// The uncompressed length in the preamble, and where the elements start.
  static func preamble(_ input: UnsafeBufferPointer<UInt8>) throws(CompressionError) -> (length: Int, start: Int) {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    var i = 0
    while true {
      guard i < input.count else { throw .truncated(format: format, offset: i) }
      let byte = input[i]
      guard i < 5 else {
        throw .corrupt(format: format, offset: i, reason: "the length preamble is longer than 5 bytes")
      }
      value |= UInt64(byte & 0x7F) << shift
      i += 1
      if byte < 0x80 { break }
      shift += 7
    }
    guard value <= UInt64(UInt32.max) else {
      throw .corrupt(format: format, offset: 0, reason: "the length preamble exceeds 2^32 - 1")
    }
    return (Int(value), i)
  }

  /// Decodes the elements of `input` from `start` into `output`, which it must fill exactly.
  private static func decode(
    _ input: UnsafeBufferPointer<UInt8>, from start: Int, into output: UnsafeMutableBufferPointer<UInt8>
  ) throws(CompressionError) {
    let n = input.count
    let capacity = output.count
    var i = start
    var o = 0
    guard let out = output.baseAddress else {
      guard i == n else { throw .corrupt(format: format, offset: i, reason: "data after the last element of an empty block") }
      return
    }
    let src = input.baseAddress!
    while i < n {
      let elementStart = i
      let tag = src[i]
      i += 1
      var length: Int
      var offset: Int
      switch tag & 3 {
      case 0:
        length = Int(tag >> 2)
        if length >= 60 {
          let extra = length - 59
          guard n - i >= extra else { throw .truncated(format: format, offset: n) }
          length = 0
          for k in 0..<extra { length |= Int(src[i + k]) << (8 * k) }
          i += extra
        }
        length += 1
        guard n - i >= length else { throw .truncated(format: format, offset: n) }
        guard capacity - o >= length else {
          throw .corrupt(format: format, offset: elementStart, reason: "a literal runs past the length in the preamble (\(capacity) bytes)")
        }
        (out + o).update(from: src + i, count: length)
        i += length
        o += length
        continue
      case 1:
        guard n - i >= 1 else { throw .truncated(format: format, offset: n) }
        length = 4 + Int((tag >> 2) & 7)
        offset = Int(tag >> 5) << 8 | Int(src[i])
        i += 1
      case 2:
        guard n - i >= 2 else { throw .truncated(format: format, offset: n) }
        length = 1 + Int(tag >> 2)
        offset = Int(src[i]) | Int(src[i + 1]) << 8
        i += 2
      default:
        guard n - i >= 4 else { throw .truncated(format: format, offset: n) }
        length = 1 + Int(tag >> 2)
        offset = Int(src[i]) | Int(src[i + 1]) << 8 | Int(src[i + 2]) << 16 | Int(src[i + 3]) << 24
        i += 4
      }
      guard offset > 0 && offset <= o else {
        throw .corrupt(
          format: format, offset: elementStart,
          reason: offset == 0 ? "a copy has offset 0" : "a copy reaches \(offset) bytes back with only \(o) written")
      }
      guard capacity - o >= length else {
        throw .corrupt(format: format, offset: elementStart, reason: "a copy runs past the length in the preamble (\(capacity) bytes)")
      }
      if offset >= length {
        (out + o).update(from: out + (o - offset), count: length)
      } else {
        // Overlapping: each byte may be one this copy has just written.
        for k in 0..<length { out[o + k] = out[o - offset + k] }
      }
      o += length
    }
    guard o == capacity else {
      throw .truncated(format: format, offset: n)
    }
  }
}
