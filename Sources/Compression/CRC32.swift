/// The CRC-32 of ISO-HDLC, gzip, zip and PNG: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF. CRC-32 of the ASCII bytes `123456789` is 0xCBF43926.
///
/// Incremental: `update` any number of times, then read `value`; the result does not depend on
/// how the bytes were split. The arithmetic is `SlicingCRC32.ieee`'s (slicing-by-8, eight
/// 256-entry tables built once), the one table and loop of the module for this polynomial.
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
    register = ~SlicingCRC32.ieee.checksum(bytes, continuing: ~register)
  }
}
