/// Comparison of secrets and codes whose running time does not depend on where the bytes
/// differ, so that a client cannot find a valid signature or token byte by byte by timing the
/// answers.
///
/// Every byte pair of equal-length inputs is XORed into one accumulator, which is tested once at
/// the end; there is no early exit on the first difference. Inputs of different lengths return
/// false at once: only the length leaks, which for a digest (always 32 bytes) or a token of a
/// fixed, public format tells nothing. Compare digests of tokens if even the length of a secret
/// must not leak.
public enum ConstantTime {
  /// Whether `a` and `b` hold the same bytes; the time depends only on the lengths.
  public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in equal(x, y) } }
  }

  /// Whether `a` and `b` hold the same bytes; the time depends only on the lengths.
  public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count {
      difference |= a[i] ^ b[i]
    }
    return isZero(difference)
  }

  /// Whether `difference` is zero, computed without a branch on its bits.
  @inline(never)
  private static func isZero(_ difference: UInt8) -> Bool {
    (UInt32(difference) &- 1) &>> 31 == 1
  }
}
