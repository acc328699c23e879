import Testing

@testable import Signatures

@Suite struct HexTests {
  @Test func roundTripsEveryByte() {
    let bytes = (0...255).map { UInt8($0) }
    let text = Hex.encode(bytes)
    #expect(text.count == 512)
    #expect(text.hasPrefix("000102") && text.hasSuffix("fdfeff"))
    #expect(Hex.decode(text) == bytes)
    #expect(Hex.decode(text.uppercased()) == bytes)
  }

  @Test func refusesOddLengthAndNonHex() {
    #expect(Hex.decode("abc") == nil)
    #expect(Hex.decode("zz") == nil)
    #expect(Hex.decode(" 0a") == nil)
    #expect(Hex.decode("") == [])
  }
}
