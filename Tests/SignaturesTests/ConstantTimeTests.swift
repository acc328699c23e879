import Testing

@testable import Signatures

@Suite struct ConstantTimeTests {
  @Test func equalOnlyForTheSameBytes() {
    let code = HMACSHA256.authenticationCode(for: Array("body".utf8), key: Array("secret".utf8))
    #expect(ConstantTime.equal(code, code))
    #expect(ConstantTime.equal([], []))
    for i in code.indices {
      for bit in 0..<8 {
        var other = code
        other[i] ^= 1 << bit
        #expect(!ConstantTime.equal(code, other), "byte \(i) bit \(bit)")
      }
    }
    #expect(!ConstantTime.equal(code, Array(code.dropLast())))
    #expect(!ConstantTime.equal([], [0]))
    #expect(!ConstantTime.equal([0xff], [0x00]))
    code.withUnsafeBytes { a in
      #expect(ConstantTime.equal(a, a))
      #expect(!ConstantTime.equal(a, UnsafeRawBufferPointer(rebasing: a[1...])))
    }
  }
}
