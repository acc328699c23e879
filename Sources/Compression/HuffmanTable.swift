/// Builds the table-driven decoders of DEFLATE's canonical Huffman codes (RFC 1951 §3.2.2).
///
/// A table is indexed by the next `mainBits` bits of the stream (least significant bit first, so
/// codes are stored bit-reversed). An entry is one `UInt32`:
///
///     bits 0–3   the code's length in bits (what to drop); see below for subtables and holes
///     bits 4–7   flags: literal 0x10, end of block 0x20, subtable 0x40, invalid symbol 0x80
///     bits 8–12  extra bits after the code (length and distance symbols), or a subtable's bits
///     bits 16–31 the value: a literal byte, a length or distance base, a precode symbol, or
///                where the subtable starts
///
/// Codes longer than `mainBits` go through a subtable whose entry in the main table has the
/// subtable flag and `mainBits` as its length; subtable entries hold the full code length. A hole
/// (the unused part of a legal incomplete code) and the unused symbols 286, 287 (lengths) and
/// 30, 31 (distances) are invalid entries; a hole's length is all the bits of its table, so that
/// a decoder short of bits waits for them before reporting it.
///
/// Sizes: lengths/literals 11 main bits (2,048 entries + subtables, at most 2,342 in all for 288
/// symbols of up to 15 bits), distances 8 (at most 402), the code-length code 7 (128; its codes
/// are at most 7 bits, so no subtables). The bounds are zlib's `enough` program's results for
/// these parameters; the builder still checks them instead of trusting them.
enum HuffmanTable {
  static let literalFlag: UInt32 = 0x10
  static let endOfBlockFlag: UInt32 = 0x20
  static let subtableFlag: UInt32 = 0x40
  static let invalidFlag: UInt32 = 0x80

  /// Which alphabet a table decodes: it fixes the main bits and what each symbol means.
  enum Alphabet {
    case literalLength, distance, codeLength

    var mainBits: Int {
      switch self {
      case .literalLength: return 11
      case .distance: return 8
      case .codeLength: return 7
      }
    }

    /// The entries a table of this alphabet may need.
    var capacity: Int {
      switch self {
      case .literalLength: return 2342
      case .distance: return 402
      case .codeLength: return 128
      }
    }

    /// The entry of `symbol` (without the length in bits 0–3).
    func entry(_ symbol: Int) -> UInt32 {
      switch self {
      case .codeLength:
        return UInt32(symbol) << 16
      case .literalLength:
        if symbol < 256 { return UInt32(symbol) << 16 | HuffmanTable.literalFlag }
        if symbol == 256 { return HuffmanTable.endOfBlockFlag }
        if symbol <= 285 {
          let i = symbol - 257
          return UInt32(HuffmanTable.lengthBase[i]) << 16 | UInt32(HuffmanTable.lengthExtra[i]) << 8
        }
        return HuffmanTable.invalidFlag
      case .distance:
        if symbol < 30 {
          return UInt32(HuffmanTable.distanceBase[symbol]) << 16 | UInt32(HuffmanTable.distanceExtra[symbol]) << 8
        }
        return HuffmanTable.invalidFlag
      }
    }
  }

  /// Why a set of code lengths makes no code.
  enum Failure: Error {
    case overSubscribed, incomplete, tooLarge
  }

  static let lengthBase: [UInt16] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  static let lengthExtra: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  static let distanceBase: [UInt16] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
  ]
  static let distanceExtra: [UInt8] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]

  /// Fills `table` (of `alphabet.capacity` entries) from the code lengths of `count` symbols.
  ///
  /// zlib's rules, so that the same streams are refused: an over-subscribed set of lengths is
  /// refused; an incomplete one is accepted only when no code is longer than 1 bit (one
  /// distance code, or a lone end-of-block code) and never for the code-length code; no codes
  /// at all is accepted (a block of literals only has no distance codes): every entry is invalid.
  static func build(
    _ lengths: UnsafePointer<UInt8>, count: Int, alphabet: Alphabet, into table: UnsafeMutablePointer<UInt32>
  ) throws(Failure) {
    var counts = [Int](repeating: 0, count: 16)
    for s in 0..<count { counts[Int(lengths[s])] += 1 }
    counts[0] = 0
    var maxLength = 0
    var left = 1
    for length in 1...15 {
      left = left << 1 - counts[length]
      if left < 0 { throw .overSubscribed }
      if counts[length] > 0 { maxLength = length }
    }
    if left > 0 && maxLength > 0 && (alphabet == .codeLength || maxLength != 1) { throw .incomplete }
    if maxLength == 0 && alphabet == .codeLength { throw .incomplete }
    try fill(lengths, count: count, alphabet: alphabet, counts: &counts, maxLength: maxLength, into: table)
  }

  private static func fill(
    _ lengths: UnsafePointer<UInt8>, count: Int, alphabet: Alphabet, counts: inout [Int],
    maxLength: Int, into table: UnsafeMutablePointer<UInt32>
  ) throws(Failure) {
    let mainBits = alphabet.mainBits
    let mainSize = 1 << mainBits
    table.update(repeating: invalidFlag | UInt32(mainBits), count: mainSize)
    // The first canonical code of each length (RFC 1951 §3.2.2, step 2).
    var next = [Int](repeating: 0, count: 16)
    var code = 0
    for length in 1...15 {
      code = (code + counts[length - 1]) << 1
      next[length] = code
    }
    // Symbols in canonical order: by length, then by symbol.
    var order = [Int]()
    order.reserveCapacity(count)
    for length in 1...15 where counts[length] > 0 {
      for s in 0..<count where Int(lengths[s]) == length { order.append(s) }
    }
    var prefix = -1, subStart = 0, subBits = 0, used = mainSize
    for s in order {
      let length = Int(lengths[s])
      let reversed = reverse(next[length], length)
      next[length] += 1
      let entry = alphabet.entry(s) | UInt32(length)
      if length <= mainBits {
        var i = reversed
        while i < mainSize {
          table[i] = entry
          i += 1 << length
        }
        counts[length] -= 1
        continue
      }
      let low = reversed & (mainSize - 1)
      if low != prefix {
        // A new subtable: as many bits as the codes sharing this prefix need (zlib's rule).
        var bits = length - mainBits
        var room = 1 << bits
        while bits + mainBits < maxLength {
          room -= counts[bits + mainBits]
          if room <= 0 { break }
          bits += 1
          room <<= 1
        }
        guard used + (1 << bits) <= alphabet.capacity else { throw .tooLarge }
        subStart = used
        subBits = bits
        used += 1 << bits
        prefix = low
        (table + subStart).update(repeating: invalidFlag | UInt32(mainBits + bits), count: 1 << bits)
        table[low] = UInt32(subStart) << 16 | UInt32(bits) << 8 | subtableFlag | UInt32(mainBits)
      }
      counts[length] -= 1
      var i = reversed >> mainBits
      while i < 1 << subBits {
        table[subStart + i] = entry
        i += 1 << (length - mainBits)
      }
    }
  }

  /// The low `length` bits of `code`, in reverse order.
  static func reverse(_ code: Int, _ length: Int) -> Int {
    var r = 0, c = code
    for _ in 0..<length {
      r = r << 1 | c & 1
      c >>= 1
    }
    return r
  }

  /// The code lengths of the fixed codes (RFC 1951 §3.2.6): 288 literal/length codes, then 32
  /// distance codes of 5 bits.
  static let fixedLengths: [UInt8] =
    [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112) + [UInt8](repeating: 7, count: 24)
    + [UInt8](repeating: 8, count: 8) + [UInt8](repeating: 5, count: 32)
}
