import Testing

@testable import Signatures

/// HMAC-SHA256 against RFC 4231's test cases 1–7 (section 4), and keys around the block size.
@Suite struct HMACSHA256Tests {
  static func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex) ?? [] }

  static let longKey = [UInt8](repeating: 0xaa, count: 131)

  /// Key, data, expected code (RFC 4231, section 4.2–4.8).
  static let rfc4231: [(key: [UInt8], data: [UInt8], code: String)] = [
    ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    ([UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8),
     "a3b6167473100ee06e0c796c2955552b"),
    (longKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (longKey,
     Array(
       ("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
         + "hashed before being used by the HMAC algorithm.").utf8),
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
  ]

  @Test(arguments: 0..<7)
  func rfc4231TestCase(index: Int) {
    let (key, data, code) = Self.rfc4231[index]
    let mac = HMACSHA256.authenticationCode(for: data, key: key)
    #expect(mac.count == HMACSHA256.byteCount)
    // Test case 5 gives only the first 128 bits of the code.
    #expect(Hex.encode(mac.prefix(code.utf8.count / 2)) == code, "test case \(index + 1)")
  }

  /// A keyed instance copied per message, and a message fed in pieces, give the one-shot code.
  @Test func copiedKeyedInstanceAndPieces() {
    let keyed = HMACSHA256(key: Array("Jefe".utf8))
    let message = Array("what do ya want for nothing?".utf8)
    for cut in 0...message.count {
      var hmac = keyed
      hmac.update(message[0..<cut])
      message.withUnsafeBytes { hmac.update(UnsafeRawBufferPointer(rebasing: $0[cut...])) }
      #expect(Hex.encode(hmac.finalize()) == Self.rfc4231[1].code)
    }
  }

  /// Keys of exactly one block (used as is), one byte more (hashed first) and empty. Computed with
  /// Python: `hmac.new(bytes(range(n)), b"x", hashlib.sha256).hexdigest()` for n = 64 and 65,
  /// `hmac.new(b"", b"", hashlib.sha256).hexdigest()`.
  @Test func keysAroundTheBlockSize() {
    let x = Array("x".utf8)
    #expect(
      Hex.encode(HMACSHA256.authenticationCode(for: x, key: (0..<64).map { UInt8($0) }))
        == "b8dc75d4220cfd86a5bf7c4301b3698f142a66fd7c004627df558626edb480cd")
    #expect(
      Hex.encode(HMACSHA256.authenticationCode(for: x, key: (0..<65).map { UInt8($0) }))
        == "839c2a8225cd27fb5d7ed3f6dc9a67cc7210572d15a39a276bf53b59d64033f0")
    #expect(
      Hex.encode(HMACSHA256.authenticationCode(for: [], key: []))
        == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
  }
}
