/// A DEFLATE encoder (RFC 1951): greedy LZ77 over a 32 KiB window with hash chains, written as
/// fixed-Huffman blocks (BTYPE 01), and the gzip wrapper (RFC 1952) around it (`GzipEncoder`).
///
/// What it is for: the files Holdout writes compressed itself (`holdout simulate`'s platform
/// exports), so no `gzip` program is needed at run time. It trades ratio for size of code:
/// fixed codes rather than per-block dynamic ones, and the first match at least as long as the
/// best of a bounded chain walk (`maxChain` candidates), not lazy matching. On JSON lines that
/// is about 1.5× the size `gzip -6` writes (1.46× in `DeflaterTests`); any inflater reads it
/// (`gzip -dc`, zlib, Holdout's own `Inflater`: `DeflaterTests`).
///
/// Streaming: `compress` takes any number of pieces and returns the bytes of the blocks they
/// complete; `finish` ends the stream. The output depends only on the bytes, not on how they
/// were split into pieces: input is cut into blocks of `blockSize` bytes, each matched against
/// the 32 KiB before it.
public struct Deflater: Sendable {
  /// Input bytes per block.
  static let blockSize = 1 << 17
  /// The largest distance DEFLATE can refer back.
  static let window = 32_768
  /// Hash chain candidates examined per position.
  static let maxChain = 24
  private static let hashBits = 15

  /// The previous block's last `window` bytes, then the pending input.
  private var data: [UInt8] = []
  /// Where the pending input starts in `data`.
  private var start = 0
  private var bits = BitWriter()

  public init() {}

  /// Adds `input`; returns the compressed bytes completed so far. The input is taken a block at
  /// a time, so a large piece costs no more memory than a block and its window.
  public mutating func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var offset = 0
    while offset < input.count {
      let take = min(input.count - offset, Self.blockSize - (data.count - start))
      data.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
      offset += take
      if data.count - start == Self.blockSize { encodeBlock(end: data.count, final: false) }
    }
    return bits.take()
  }

  /// Encodes what is pending as the final block and returns the rest of the stream (padded to
  /// a byte). The encoder must not be used after.
  public mutating func finish() -> [UInt8] {
    encodeBlock(end: data.count, final: true)
    bits.padToByte()
    return bits.take()
  }

  /// Encodes `data[start..<end]` as one fixed-Huffman block, matching against the window before
  /// it, then keeps the last `window` bytes as the next block's history.
  private mutating func encodeBlock(end: Int, final: Bool) {
    var writer = bits
    bits = BitWriter()
    writer.write(final ? 1 : 0, count: 1)
    writer.write(1, count: 2)  // BTYPE 01: fixed Huffman codes
    var head = [Int32](repeating: -1, count: 1 << Self.hashBits)
    var previous = [Int32](repeating: -1, count: end)
    let start = self.start
    data.withUnsafeBufferPointer { bytes in
      head.withUnsafeMutableBufferPointer { head in
        previous.withUnsafeMutableBufferPointer { previous in
          Self.encode(bytes, from: start, to: end, head: head, previous: previous, into: &writer)
        }
      }
    }
    writer.writeLiteral(256)  // end of block
    bits = writer
    let keep = max(0, end - Self.window)
    data.removeFirst(keep)
    self.start = end - keep
  }

  /// The LZ77 pass over `bytes[start..<end]`: at each position the longest match among the
  /// first `maxChain` earlier positions with the same 3-byte hash (within the window), emitted
  /// as a length and distance when at least 3 long, else a literal. Positions before `start` are
  /// only indexed. Free of closures over mutable state, so no exclusivity checks run per byte.
  private static func encode(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, head: UnsafeMutableBufferPointer<Int32>,
    previous: UnsafeMutableBufferPointer<Int32>, into writer: inout BitWriter
  ) {
    func hash(_ i: Int) -> Int {
      let v = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
      return Int((v &* 2_654_435_761) >> UInt32(32 - hashBits))
    }
    func insert(_ i: Int) {
      guard i + 3 <= end else { return }
      let h = hash(i)
      previous[i] = head[h]
      head[h] = Int32(i)
    }
    // The history (the previous block's tail) is indexed first, not encoded.
    for i in 0..<start { insert(i) }
    var i = start
    while i < end {
      var bestLength = 0
      var bestDistance = 0
      if i + 3 <= end {
        let limit = min(258, end - i)
        var candidate = Int(head[hash(i)])
        var chain = maxChain
        while candidate >= 0 && i - candidate <= window && chain > 0 {
          if bytes[candidate + bestLength] == bytes[i + bestLength] {
            var length = 0
            while length < limit && bytes[candidate + length] == bytes[i + length] { length += 1 }
            if length > bestLength {
              bestLength = length
              bestDistance = i - candidate
              if length == limit { break }
            }
          }
          candidate = Int(previous[candidate])
          chain -= 1
        }
      }
      if bestLength >= 3 {
        writer.writeLength(bestLength)
        writer.writeDistance(bestDistance)
        for k in i..<(i + bestLength) { insert(k) }
        i += bestLength
      } else {
        writer.writeLiteral(Int(bytes[i]))
        insert(i)
        i += 1
      }
    }
  }
}

/// Bits written least significant first into bytes, as DEFLATE packs them, with the fixed
/// Huffman codes of RFC 1951 §3.2.6; the length and distance tables are the decoder's
/// (`HuffmanTable`), so both sides read one copy of the RFC's numbers.
struct BitWriter: Sendable {
  private var out: [UInt8] = []
  private var buffer: UInt64 = 0
  private var count = 0

  mutating func write(_ value: Int, count n: Int) {
    buffer |= UInt64(value) << UInt64(count)
    count += n
    while count >= 8 {
      out.append(UInt8(truncatingIfNeeded: buffer))
      buffer >>= 8
      count -= 8
    }
  }

  /// Each literal/length symbol's fixed code (bits reversed, as Huffman codes go most
  /// significant bit first: `HuffmanTable.reverse`) and its length.
  private static let literalCodes: [(bits: Int, length: Int)] = (0..<288).map { symbol in
    switch symbol {
    case 0...143: return (HuffmanTable.reverse(0x30 + symbol, 8), 8)
    case 144...255: return (HuffmanTable.reverse(0x190 + symbol - 144, 9), 9)
    case 256...279: return (HuffmanTable.reverse(symbol - 256, 7), 7)
    default: return (HuffmanTable.reverse(0xC0 + symbol - 280, 8), 8)
    }
  }
  /// For each match length 3–258 (index length − 3), its code: the last of
  /// `HuffmanTable.lengthBase` (RFC 1951 §3.2.5, the decoder's table) not above it.
  private static let lengthCodes: [Int] = (3...258).map { length in
    HuffmanTable.lengthBase.lastIndex { Int($0) <= length }!
  }
  /// For each distance 1–32768 (index distance − 1), its code in `HuffmanTable.distanceBase`.
  private static let distanceCodes: [UInt8] = (1...32_768).map { distance in
    UInt8(HuffmanTable.distanceBase.lastIndex { Int($0) <= distance }!)
  }
  private static let distanceReversed: [Int] = (0..<30).map { HuffmanTable.reverse($0, 5) }

  /// Literal/length symbol `symbol` (0–287) in the fixed code.
  mutating func writeLiteral(_ symbol: Int) {
    let code = Self.literalCodes[symbol]
    write(code.bits, count: code.length)
  }

  /// Match length 3–258: its symbol (257–285) and extra bits.
  mutating func writeLength(_ length: Int) {
    let code = Self.lengthCodes[length - 3]
    writeLiteral(257 + code)
    let extra = Int(HuffmanTable.lengthExtra[code])
    if extra > 0 { write(length - Int(HuffmanTable.lengthBase[code]), count: extra) }
  }

  /// Distance 1–32768: its 5-bit fixed code (0–29) and extra bits.
  mutating func writeDistance(_ distance: Int) {
    let code = Int(Self.distanceCodes[distance - 1])
    write(Self.distanceReversed[code], count: 5)
    let extra = Int(HuffmanTable.distanceExtra[code])
    if extra > 0 { write(distance - Int(HuffmanTable.distanceBase[code]), count: extra) }
  }

  mutating func padToByte() {
    if count > 0 { write(0, count: 8 - count) }
  }

  /// The whole bytes written so far, removed from the writer.
  mutating func take() -> [UInt8] {
    defer { out.removeAll(keepingCapacity: true) }
    return out
  }
}

/// A gzip member (RFC 1952) around `Deflater`'s stream: a header without name or time stamp
/// (as `gzip -n` writes one: the same bytes give the same file), then the CRC-32 and the length
/// modulo 2³² of the uncompressed bytes.
public struct GzipEncoder: Sendable {
  private var deflater = Deflater()
  private var crc = CRC32()
  private var length: UInt32 = 0
  private var started = false

  public init() {}

  /// Adds `input`; returns the member's bytes completed so far (the header first).
  public mutating func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    crc.update(input)
    length &+= UInt32(truncatingIfNeeded: input.count)
    return header() + deflater.compress(input)
  }

  /// Ends the member: the last block, the CRC-32 and the length.
  public mutating func finish() -> [UInt8] {
    var out = header() + deflater.finish()
    for value in [crc.value, length] {
      for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
    }
    return out
  }

  /// ID1 ID2, CM 8 (deflate), no flags, MTIME 0, XFL 0, OS 3 (Unix); once.
  private mutating func header() -> [UInt8] {
    guard !started else { return [] }
    started = true
    return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
  }
}
