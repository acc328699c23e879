import Testing

@testable import Compression

@Suite struct ChecksumTests {
  @Test func crc32CheckValue() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([]) == 0)
    #expect(CRC32.checksum([0]) == 0xD202_EF8D)
  }

  @Test func adler32CheckValue() {
    #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
    #expect(Adler32.checksum([]) == 1)
  }

  /// Splitting the input anywhere gives the same value, across the 8-byte and NMAX boundaries.
  @Test func incrementalUpdatesAgreeWithOneShot() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let bytes = (0..<20_000).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
    let crc = CRC32.checksum(bytes), adler = Adler32.checksum(bytes)
    for split in [0, 1, 7, 8, 9, 5551, 5552, 5553, 11_104, 19_999] {
      var c = CRC32(), a = Adler32()
      c.update(Array(bytes[..<split]))
      c.update(Array(bytes[split...]))
      a.update(Array(bytes[..<split]))
      a.update(Array(bytes[split...]))
      #expect(c.value == crc)
      #expect(a.value == adler)
    }
    // Worst case for the deferred modulo: all 0xFF.
    let ones = [UInt8](repeating: 0xFF, count: 100_000)
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in ones {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    #expect(Adler32.checksum(ones) == b << 16 | a)
  }
}
