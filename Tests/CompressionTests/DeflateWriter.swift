/// Writes DEFLATE streams bit by bit for the tests: stored, fixed and dynamic blocks with chosen
/// symbols, including streams no compressor would write (bad codes, distances too far back).
struct DeflateWriter {
  private(set) var bytes: [UInt8] = []
  private var bitCount = 0

  /// Appends the low `count` bits of `value`, least significant first.
  mutating func bits(_ value: Int, _ count: Int) {
    for i in 0..<count {
      if bitCount % 8 == 0 { bytes.append(0) }
      if (value >> i) & 1 != 0 { bytes[bytes.count - 1] |= 1 << UInt8(bitCount % 8) }
      bitCount += 1
    }
  }

  /// Appends a Huffman code (`length` bits, most significant first).
  mutating func code(_ value: Int, _ length: Int) {
    for i in stride(from: length - 1, through: 0, by: -1) { bits((value >> i) & 1, 1) }
  }

  mutating func alignToByte() {
    bitCount = (bitCount + 7) / 8 * 8
  }

  mutating func storedBlock(_ data: [UInt8], last: Bool, nlen: Int? = nil) {
    bits(last ? 1 : 0, 1)
    bits(0, 2)
    alignToByte()
    bits(data.count, 16)
    bits(nlen ?? (~data.count & 0xFFFF), 16)
    bytes += data
    bitCount += 8 * data.count
  }

  /// A fixed-code symbol: literal/length 0…287 (also the invalid 286, 287).
  mutating func fixedSymbol(_ s: Int) {
    switch s {
    case 0...143: code(0x30 + s, 8)
    case 144...255: code(0x190 + s - 144, 9)
    case 256...279: code(s - 256, 7)
    default: code(0xC0 + s - 280, 8)
    }
  }

  /// The symbol, extra bits and extra-bit count of a match length (3…258).
  static func lengthSymbol(_ length: Int) -> (Int, Int, Int) {
    let base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    let extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    let i = base.lastIndex { $0 <= length }!
    return (257 + i, length - base[i], extra[i])
  }

  static func distanceSymbol(_ distance: Int) -> (Int, Int, Int) {
    let base = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    let i = base.lastIndex { $0 <= distance }!
    return (i, distance - base[i], i < 4 ? 0 : i / 2 - 1)
  }

  /// A block of fixed codes: `items` are literals (0…255) or (length, distance) matches.
  mutating func fixedBlock(_ items: [Item], last: Bool) {
    bits(last ? 1 : 0, 1)
    bits(1, 2)
    for item in items {
      switch item {
      case .literal(let b): fixedSymbol(Int(b))
      case .match(let length, let distance):
        let (s, e, n) = DeflateWriter.lengthSymbol(length)
        fixedSymbol(s)
        bits(e, n)
        let (d, de, dn) = DeflateWriter.distanceSymbol(distance)
        code(d, 5)
        bits(de, dn)
      case .symbol(let s): fixedSymbol(s)
      case .distanceCode(let d): code(d, 5)
      }
    }
    fixedSymbol(256)
  }

  enum Item {
    case literal(UInt8), match(length: Int, distance: Int), symbol(Int), distanceCode(Int)
  }

  /// The canonical codes of a set of lengths (RFC 1951 §3.2.2); length 0 has no code.
  static func canonicalCodes(_ lengths: [Int]) -> [Int] {
    var count = [Int](repeating: 0, count: 16)
    for l in lengths where l > 0 { count[l] += 1 }
    var next = [Int](repeating: 0, count: 16)
    var c = 0
    for l in 1..<16 {
      c = (c + count[l - 1]) << 1
      next[l] = c
    }
    return lengths.map { l in
      guard l > 0 else { return 0 }
      defer { next[l] += 1 }
      return next[l]
    }
  }

  /// A dynamic block: the header (code lengths sent one by one through a code-length code in
  /// which 0…15 all have 4 bits, unless `precode` is given) and then `symbols` (literal/length
  /// symbols with raw extra bits, or distance symbols) through the given codes.
  mutating func dynamicBlock(
    literalLengths: [Int], distanceLengths: [Int], symbols: [DynamicItem], last: Bool,
    precode: [Int]? = nil, rawLengthSymbols: [(Int, Int, Int)]? = nil
  ) {
    bits(last ? 1 : 0, 1)
    bits(2, 2)
    bits(literalLengths.count - 257, 5)
    bits(distanceLengths.count - 1, 5)
    bits(15, 4)
    let precodeLengths = precode ?? ([Int](repeating: 4, count: 16) + [0, 0, 0])
    for symbol in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] { bits(precodeLengths[symbol], 3) }
    let precodeCodes = DeflateWriter.canonicalCodes(precodeLengths)
    if let raw = rawLengthSymbols {
      for (s, extra, n) in raw {
        code(precodeCodes[s], precodeLengths[s])
        bits(extra, n)
      }
    } else {
      for l in literalLengths + distanceLengths { code(precodeCodes[l], precodeLengths[l]) }
    }
    let lit = DeflateWriter.canonicalCodes(literalLengths), dist = DeflateWriter.canonicalCodes(distanceLengths)
    for item in symbols {
      switch item {
      case .literal(let s): code(lit[s], literalLengths[s])
      case .distance(let d): code(dist[d], distanceLengths[d])
      case .raw(let v, let n): bits(v, n)
      }
    }
  }

  enum DynamicItem {
    case literal(Int), distance(Int), raw(Int, Int)
  }
}
