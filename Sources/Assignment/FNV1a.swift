/// The 32-bit FNV-1a hash as GrowthBook's SDKs compute it.
///
/// h₀ = 0x811C9DC5; for each unit c: h = (h XOR c)·0x01000193 mod 2³². GrowthBook's reference
/// (JavaScript) SDK feeds UTF-16 code units (`charCodeAt`), so units above 0xFF are XORed in
/// whole. For characters in the Basic Multilingual Plane this equals hashing code points, as the
/// Python SDK does; for astral characters (emoji) the JavaScript and Python SDKs differ, and we
/// follow JavaScript, which `cases.json` and the other SDKs match.
public enum FNV1a {
  /// The offset basis 0x811C9DC5.
  public static let offsetBasis: UInt32 = 0x811C_9DC5
  /// The FNV prime 0x01000193.
  public static let prime: UInt32 = 0x0100_0193

  /// FNV-1a 32 over the UTF-16 code units of `string`.
  public static func hash32(_ string: String) -> UInt32 {
    var h = offsetBasis
    for unit in string.utf16 {
      h = (h ^ UInt32(unit)) &* prime
    }
    return h
  }

  /// Continues an FNV-1a 32 hash `h` over UTF-16 code units.
  @inline(__always)
  public static func hash32<S: Sequence>(units: S, from h: UInt32 = offsetBasis) -> UInt32
  where S.Element == UInt16 {
    var h = h
    for unit in units { h = (h ^ UInt32(unit)) &* prime }
    return h
  }

  /// FNV-1a 32 over raw bytes. For ASCII input this equals `hash32(_:)`.
  @inline(__always)
  public static func hash32(bytes: UnsafeBufferPointer<UInt8>, from h: UInt32 = offsetBasis) -> UInt32 {
    var h = h
    for byte in bytes { h = (h ^ UInt32(byte)) &* prime }
    return h
  }
}
