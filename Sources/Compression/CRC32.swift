/// The CRC-32 of ISO-HDLC, gzip, zip and PNG: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF. CRC-32 of the ASCII bytes `123456789` is 0xCBF43926.
///
/// Slicing-by-8 (eight 256-entry tables, 8 KiB, built once): eight input bytes per step through
/// eight independent lookups. Incremental: `update` any number of times, then read `value`;
/// the result does not depend on how the bytes were split.
public struct CRC32: Sendable, Equatable {
  /// The running register (inverted; `value` undoes the inversion).
  private var register: UInt32 = 0xFFFF_FFFF

  /// A checksum of no bytes (`value` is 0).
  public init() {}

  /// The CRC-32 of the bytes given so far.
  public var value: UInt32 { ~register }

  /// The CRC-32 of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }

  /// The CRC-32 of `bytes`.
  public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    register = CRC32.tables.withUnsafeBufferPointer { t in
      CRC32.update(register, base, bytes.count, t.baseAddress.unsafelyUnwrapped)
    }
  }

  private static func update(_ start: UInt32, _ base: UnsafeRawPointer, _ count: Int, _ t: UnsafePointer<UInt32>) -> UInt32 {
    var crc = start
    var p = base
    var n = count
    while n >= 8 {
      let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) ^ UInt64(crc)
      let lo = UInt32(truncatingIfNeeded: word), hi = UInt32(truncatingIfNeeded: word &>> 32)
      crc = t[7 &* 256 &+ Int(lo & 0xFF)] ^ t[6 &* 256 &+ Int((lo &>> 8) & 0xFF)]
        ^ t[5 &* 256 &+ Int((lo &>> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(lo &>> 24)]
        ^ t[3 &* 256 &+ Int(hi & 0xFF)] ^ t[2 &* 256 &+ Int((hi &>> 8) & 0xFF)]
        ^ t[256 &+ Int((hi &>> 16) & 0xFF)] ^ t[Int(hi &>> 24)]
      p += 8
      n &-= 8
    }
    while n > 0 {
      crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc &>> 8)
      p += 1
      n &-= 1
    }
    return crc
  }

  /// Table k maps a byte to its CRC contribution k bytes further back (table 0 is the classic one).
  private static let tables: [UInt32] = {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      t[i] = c
    }
    for k in 1..<8 {
      for i in 0..<256 {
        let previous = t[(k - 1) * 256 + i]
        t[k * 256 + i] = t[Int(previous & 0xFF)] ^ (previous >> 8)
      }
    }
    return t
  }()
}
