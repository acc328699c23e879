/// The two-byte zlib header (RFC 1950 §2.2): CMF (CM in the low 4 bits, CINFO in the high 4),
/// FLG (FCHECK in bits 0–4, FDICT bit 5, FLEVEL bits 6–7).
///
/// Checked: CMF·256 + FLG is a multiple of 31; CM is 8 (deflate); CINFO ≤ 7 (a window of
/// 2^(CINFO+8) bytes, at most 32 KiB). FDICT (a preset dictionary, whose Adler-32 follows) is
/// refused as unsupported: the dictionary is not in the stream. FLEVEL is only informative.
enum ZlibHeader {
  /// The window the header declares; distances reaching further back are corrupt.
  static func window(_ cmf: UInt8, _ flg: UInt8, offset: Int) throws(CompressionError) -> Int {
    guard (Int(cmf) << 8 | Int(flg)) % 31 == 0 else {
      throw .corrupt(format: "zlib", offset: offset, reason: "the header check (FCHECK) fails: not zlib data")
    }
    guard cmf & 0x0F == 8 else {
      throw .unsupported(format: "zlib", offset: offset, feature: "compression method \(cmf & 0x0F) (only 8, deflate, is defined)")
    }
    guard cmf >> 4 <= 7 else {
      throw .corrupt(format: "zlib", offset: offset, reason: "a window of 2^\(Int(cmf >> 4) + 8) bytes (CINFO \(cmf >> 4) > 7)")
    }
    guard flg & 0x20 == 0 else {
      throw .unsupported(format: "zlib", offset: offset + 1, feature: "a preset dictionary (FDICT)")
    }
    return 1 << (Int(cmf >> 4) + 8)
  }
}
