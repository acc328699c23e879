/// CRC-32C (Castagnoli): the check value of the Snappy framing format, iSCSI and ext4.
///
/// The reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF; the check value
/// of the nine bytes `123456789` is 0xE3069283 (`CRC32CTests`). Computed in software by
/// slicing-by-8 (`SlicingCRC32`), about 8× a byte-at-a-time table loop; no SSE 4.2 instruction is
/// used, so the result is the same on every machine.
public enum CRC32C {
  /// The CRC-32C of `bytes`, continuing from `crc` (the value of the bytes before them; 0 to
  /// start).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    SlicingCRC32.castagnoli.checksum(bytes, continuing: crc)
  }

  /// The CRC-32C of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { SlicingCRC32.castagnoli.checksum($0) }
  }
}

/// A reflected 32-bit CRC computed eight bytes at a time (slicing-by-8, Intel 2006): eight
/// 256-entry tables, where table k gives the effect of a byte followed by k zero bytes.
///
/// Two polynomials are kept: `castagnoli` (CRC-32C) and `ieee` (the CRC-32 of zlib, gzip, zip and
/// PNG, reflected 0xEDB88320; check value of `123456789` 0xCBF43926), which Avro's snappy codec
/// appends to every block (the Avro specification says "CRC32"; Java's `java.util.zip.CRC32`,
/// fastavro's `binascii.crc32` and Ruby's `Zlib.crc32` all compute the IEEE one, not CRC-32C).
public struct SlicingCRC32: Sendable {
  /// CRC-32C (Castagnoli).
  public static let castagnoli = SlicingCRC32(polynomial: 0x82F6_3B78)
  /// CRC-32 (IEEE 802.3, zlib).
  public static let ieee = SlicingCRC32(polynomial: 0xEDB8_8320)

  /// The eight tables, one after another (2,048 entries).
  private let table: [UInt32]

  /// The tables of the reflected `polynomial`.
  public init(polynomial: UInt32) {
    var t = [UInt32](repeating: 0, count: 8 * 256)
    for n in 0..<256 {
      var c = UInt32(n)
      for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ polynomial : c >> 1 }
      t[n] = c
    }
    for k in 1..<8 {
      for n in 0..<256 {
        let previous = t[(k - 1) * 256 + n]
        t[k * 256 + n] = (previous >> 8) ^ t[Int(previous & 0xFF)]
      }
    }
    table = t
  }

  /// The CRC of `bytes`, continuing from `crc` (0 to start).
  public func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    var c = ~crc
    guard var p = bytes.baseAddress, bytes.count > 0 else { return crc }
    var n = bytes.count
    table.withUnsafeBufferPointer { t in
      while n >= 8 {
        let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        let low = UInt32(truncatingIfNeeded: word) ^ c
        let high = UInt32(truncatingIfNeeded: word >> 32)
        c =
          t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
          ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
        p += 8
        n -= 8
      }
      while n > 0 {
        c = (c >> 8) ^ t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)]
        p += 1
        n -= 1
      }
    }
    return ~c
  }

  /// The CRC of `bytes`.
  public func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }
}
