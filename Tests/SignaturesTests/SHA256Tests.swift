import Testing

@testable import Signatures

/// SHA-256 against the NIST examples (FIPS 180-4's example computations, and the long messages of
/// the NIST "SHA Examples" and the SHAVS short-message set), then across block boundaries and
/// every split of a message.
@Suite struct SHA256Tests {
  static func digest(_ text: String) -> String {
    Hex.encode(SHA256.hash(Array(text.utf8)))
  }

  @Test func nistExamples() {
    #expect(Self.digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(Self.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Self.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    let bits896 =
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
    #expect(Self.digest(bits896) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
  }

  @Test func oneMillionA() {
    let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    #expect(Hex.encode(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == expected)
    // The same million bytes as 1,000 updates of 1,000 bytes, and through the generic path.
    var sha = SHA256()
    let thousand = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
    for _ in 0..<1000 { sha.update(thousand) }
    #expect(Hex.encode(sha.finalize()) == expected)
    var generic = SHA256()
    generic.update(repeatElement(UInt8(ascii: "a"), count: 1_000_000))
    #expect(Hex.encode(generic.finalize()) == expected)
  }

  /// Messages of bytes `i % 251` whose padding falls on each side of a block boundary: 55 bytes
  /// still take the length in the same block, 56 need a second one. The digests were computed
  /// with Python's hashlib: `hashlib.sha256(bytes(i % 251 for i in range(n))).hexdigest()`.
  @Test(arguments: [
    (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
    (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
    (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
    (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
    (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
    (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
    (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
    (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
  ])
  func blockBoundaries(count: Int, expected: String) {
    let bytes = (0..<count).map { UInt8($0 % 251) }
    #expect(Hex.encode(SHA256.hash(bytes)) == expected)
    var bytewise = SHA256()
    for byte in bytes { bytewise.update([byte]) }
    #expect(Hex.encode(bytewise.finalize()) == expected)
  }

  /// A 200-byte message (bytes `(7i + 3) % 256`; hashlib gives the digest) split in two at every
  /// position, and in three at every pair of positions 13 apart, equals the one-shot digest.
  @Test func everySplitEqualsOneShot() {
    let bytes = (0..<200).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
    let expected = "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46"
    #expect(Hex.encode(SHA256.hash(bytes)) == expected)
    for cut in 0...bytes.count {
      var sha = SHA256()
      bytes.withUnsafeBytes { raw in
        sha.update(UnsafeRawBufferPointer(rebasing: raw[0..<cut]))
        sha.update(UnsafeRawBufferPointer(rebasing: raw[cut...]))
      }
      #expect(Hex.encode(sha.finalize()) == expected, "split at \(cut)")
      let second = min(cut + 13, bytes.count)
      var three = SHA256()
      three.update(bytes[0..<cut])
      three.update(bytes[cut..<second])
      three.update(bytes[second...])
      #expect(Hex.encode(three.finalize()) == expected, "split at \(cut) and \(second)")
    }
  }

  @Test func copyContinuesIndependently() {
    var prefix = SHA256()
    prefix.update(Array("ab".utf8))
    var copy = prefix
    prefix.update(Array("c".utf8))
    copy.update(Array("d".utf8))
    #expect(Hex.encode(prefix.finalize()) == Self.digest("abc"))
    #expect(Hex.encode(copy.finalize()) == Self.digest("abd"))
    #expect(SHA256.hash(Array("abc".utf8)).count == SHA256.digestByteCount)
  }
}
