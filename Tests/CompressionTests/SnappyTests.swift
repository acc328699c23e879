import Foundation
import Testing
import TestSupport

@testable import Compression

/// Snappy against vectors compressed by cramjam (`Fixtures/snappy/make_vectors.py`), hand-made
/// blocks for the element forms a compressor never writes, and hostile blocks.
@Suite struct SnappyTests {
  static let folder = TestPaths.repository("Tests/CompressionTests/Fixtures/snappy")

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
  }

  struct Vector: Sendable, CustomStringConvertible {
    let name: String, length: Int, crc32: UInt32, crc32c: UInt32
    var description: String { name }
  }

  static let vectors: [Vector] = {
    let text = (try? String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { line in
      let f = line.split(separator: "\t")
      return Vector(
        name: String(f[0]), length: Int(f[1])!, crc32: UInt32(f[2], radix: 16)!, crc32c: UInt32(f[3], radix: 16)!)
    }
  }()

  @Test func theManifestListsEveryVector() {
    #expect(Self.vectors.map(\.name) == ["empty", "hello", "text", "random-300", "runs", "mixed-70k"])
  }

  @Test(arguments: vectors) func decompressesWhatCramjamWrote(_ vector: Vector) throws {
    let output = try Snappy.decompress(try Self.bytes(vector.name + ".snappy"), limit: 1 << 20)
    #expect(output.count == vector.length)
    #expect(SlicingCRC32.ieee.checksum(output) == vector.crc32)
    #expect(CRC32C.checksum(output) == vector.crc32c)
    if let raw = try? Self.bytes(vector.name + ".raw") { #expect(output == raw) }
  }

  @Test func readsEveryElementForm() throws {
    // Literal lengths in 1-4 extra bytes (tags 60-63), then copies with 1-, 2- and 4-byte offsets.
    let literal = [UInt8](repeating: 0x41, count: 70)
    var block: [UInt8] = [0xFF, 0x01]  // 255 bytes
    block += [60 << 2, 69] + literal  // 70-byte literal, length in 1 byte
    block += [1 | (3 << 2) | (0 << 5), 10]  // copy-1: length 7, offset 10
    block += [2 | (9 << 2), 70, 0]  // copy-2: length 10, offset 70
    block += [3 | (19 << 2), 80, 0, 0, 0]  // copy-4: length 20, offset 80
    block += [62 << 2, 0x5F, 0, 0] + [UInt8](repeating: 0x42, count: 96)  // 96-byte literal, 3-byte length
    block += [63 << 2, 0x0F, 0, 0, 0] + [UInt8](repeating: 0x43, count: 16)  // 16 bytes, 4-byte length
    block += [61 << 2, 0x0F, 0x00] + [UInt8](repeating: 0x44, count: 16)  // 16 bytes, 2-byte length
    block += [1 | (4 << 2), 1]  // copy-1: length 8, offset 1 (overlapping: repeats the last byte)
    block += [2 | (11 << 2), 240, 0]  // copy-2: length 12, offset 240
    let output = try Snappy.decompress(block, limit: 1 << 20)
    var expected = literal + [UInt8](repeating: 0x41, count: 37)
    expected += [UInt8](repeating: 0x42, count: 96) + [UInt8](repeating: 0x43, count: 16)
    expected += [UInt8](repeating: 0x44, count: 24)
    expected += Array(expected[3..<15])
    #expect(output.count == 255)
    #expect(output == expected)
  }

  static func refusal(_ block: [UInt8], limit: Int = 1 << 20) -> CompressionError? {
    do {
      _ = try Snappy.decompress(block, limit: limit)
      return nil
    } catch { return error }
  }

  @Test func refusesHostileBlocks() {
    #expect(Self.refusal([]) == .truncated(format: "Snappy", offset: 0))
    #expect(Self.refusal([0x80, 0x80]) == .truncated(format: "Snappy", offset: 2))
    #expect(Self.refusal([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) == .corrupt(format: "Snappy", offset: 5, reason: "the length preamble is longer than 5 bytes"))
    #expect(Self.refusal([0xFF, 0xFF, 0xFF, 0xFF, 0x1F]) == .corrupt(format: "Snappy", offset: 0, reason: "the length preamble exceeds 2^32 - 1"))
    // A 4 GiB claim is refused by the limit before anything is allocated.
    #expect(Self.refusal([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0]) == .limitExceeded(format: "Snappy", offset: 0, limit: 1 << 20, what: "one Snappy block"))
    // 1,000 bytes claimed by a 3-byte block: more than any block can expand to.
    if case .corrupt(_, 0, let reason)? = Self.refusal([0xE8, 0x07, 0x00]) {
      #expect(reason.contains("more than its 3 compressed bytes"))
    } else { Issue.record("a 1,000-byte claim from 3 bytes was not refused") }
    #expect(Self.refusal([5, 4 << 2, 1, 2, 3]) == .truncated(format: "Snappy", offset: 5))  // literal cut off
    #expect(Self.refusal([2, 4 << 2, 1, 2, 3, 4, 5]) != nil)  // literal longer than the preamble
    #expect(Self.refusal([4, 0, 7, 1 | (0 << 2), 0]) == .corrupt(format: "Snappy", offset: 3, reason: "a copy has offset 0"))
    #expect(Self.refusal([8, 0, 7, 1 | (0 << 2), 2]) == .corrupt(format: "Snappy", offset: 3, reason: "a copy reaches 2 bytes back with only 1 written"))
    #expect(Self.refusal([3, 0, 7, 1 | (0 << 2), 1]) != nil)  // copy past the preamble
    #expect(Self.refusal([3, 0, 7]) == .truncated(format: "Snappy", offset: 3))  // short output
    #expect(Self.refusal([1, 0, 7, 2, 1]) == .truncated(format: "Snappy", offset: 5))  // copy-2 cut off
    #expect(Self.refusal([0, 0]) != nil)  // an element in an empty block
  }
}

@Suite struct CRC32CTests {
  @Test func checkValues() {
    let nine = Array("123456789".utf8)
    #expect(CRC32C.checksum(nine) == 0xE306_9283)
    #expect(SlicingCRC32.ieee.checksum(nine) == 0xCBF4_3926)
    #expect(CRC32C.checksum([]) == 0)
    // RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and 0...31.
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
  }

  @Test func continuingEqualsOneCall() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let whole = CRC32C.checksum(bytes)
    for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
      let first = bytes[..<cut].withUnsafeBytes { CRC32C.checksum($0) }
      let both = bytes[cut...].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
      #expect(both == whole, "cut at \(cut)")
    }
  }
}
