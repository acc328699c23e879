/// The UTF-8 byte-order mark, `EF BB BF`, which some exports write before the first byte of text
/// (Excel's "CSV UTF-8", Windows tools, some JSON writers). Every reader skips it at the start of
/// a file (or of the first chunk) and nowhere else: inside a file it is data.
public enum ByteOrderMark {
  /// The mark's bytes.
  public static let utf8: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// 3 when `bytes[start..<end]` begins with the mark, else 0: the bytes to skip.
  @inlinable
  public static func length<C: RandomAccessCollection<UInt8>>(in bytes: C, from start: Int, to end: Int) -> Int
  where C.Index == Int {
    end - start >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF ? 3 : 0
  }
}
