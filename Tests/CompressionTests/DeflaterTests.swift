import Foundation
import Testing

@testable import Compression

/// The encoder against two decoders: Holdout's own `Inflate`, and `gzip -dc`, an independent
/// implementation (zlib's format as GNU gzip reads it).
@Suite struct DeflaterTests {
  /// Deterministic pseudo-random bytes (xorshift).
  static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var x = seed | 1
    return (0..<count).map { _ in
      x ^= x << 13
      x ^= x >> 7
      x ^= x << 17
      return UInt8(truncatingIfNeeded: x)
    }
  }

  /// JSON lines like an export's: repetitive keys, varying ids and times.
  static func lines(_ count: Int) -> [UInt8] {
    Array((0..<count).map { #"{"user_id":"u\#($0 % 977)","event":"\#(["order", "session", "sms_delivered"][$0 % 3])","timestamp":"2026-10-\#(10 + $0 % 20)T\#(10 + $0 % 13):0\#($0 % 10):00Z","value":\#($0 % 50).\#($0 % 100)}"# + "\n" }.joined().utf8)
  }

  static let inputs: [(String, [UInt8])] = [
    ("empty", []), ("one byte", [42]), ("every byte value", (0...255).map(UInt8.init)),
    ("1 MiB of noise", noise(1 << 20, seed: 7)), ("JSON lines", lines(20_000)),
    ("a run of 300,000 equal bytes", [UInt8](repeating: 0x61, count: 300_000)),
    // A 40 KiB block of noise repeated: its copy is 40,960 bytes back, past the 32 KiB window,
    // so it cannot be referred to; a 20 KiB block repeated can (20,480 back).
    ("repeats beyond the window", noise(40_960, seed: 3) + noise(40_960, seed: 3)),
    ("repeats inside the window", noise(20_480, seed: 5) + noise(20_480, seed: 5) + noise(20_480, seed: 5)),
    ("repeats across block boundaries", Array(noise(50_000, seed: 9) + lines(9_000) + noise(50_000, seed: 9)) + lines(9_000)),
  ]

  static func deflate(_ input: [UInt8], pieces: [Int] = []) -> [UInt8] {
    var d = Deflater()
    var out: [UInt8] = []
    var at = 0
    for size in pieces where at < input.count {
      let end = min(input.count, at + size)
      out += Array(input[at..<end]).withUnsafeBytes { d.compress($0) }
      at = end
    }
    out += Array(input[at...]).withUnsafeBytes { d.compress($0) }
    return out + d.finish()
  }

  static func gzip(_ input: [UInt8]) -> [UInt8] {
    var e = GzipEncoder()
    return input.withUnsafeBytes { e.compress($0) } + e.finish()
  }

  @Test(arguments: inputs.indices)
  func everyInputComesBackThroughInflate(_ k: Int) throws {
    let (name, input) = Self.inputs[k]
    let raw = Self.deflate(input)
    #expect(try Inflate.raw(raw, limit: 1 << 26) == input, "\(name)")
    #expect(try Inflate.gzip(Self.gzip(input), limit: 1 << 26) == input, "\(name)")
  }

  @Test func theOutputDoesNotDependOnHowTheInputWasSplit() {
    let input = Self.lines(30_000) + Self.noise(100_000, seed: 11)
    let whole = Self.deflate(input)
    #expect(Self.deflate(input, pieces: [1, 2, 3, 70_000, 5, 131_072, 131_071, 999]) == whole)
    #expect(Self.deflate(input, pieces: [Int](repeating: 4_099, count: 400)) == whole)
  }

  @Test func repetitiveTextShrinksAndIncompressibleBytesBarelyGrow() {
    let text = Self.lines(20_000)
    #expect(Self.deflate(text).count * 5 < text.count, "JSON lines should compress more than 5×")
    let noise = Self.noise(1 << 20, seed: 13)
    // Fixed codes spend 8 or 9 bits on a literal: at most 9/8 of the input, plus block ends.
    #expect(Self.deflate(noise).count < noise.count * 9 / 8 + 64)
  }

  /// GNU gzip reads what `GzipEncoder` writes, every input, and the ratio is measured against
  /// `gzip -6` on the JSON lines: 1.46× its size here (fixed Huffman codes, greedy matching),
  /// held under 1.6× so that another gzip version's few bytes do not matter.
  @Test func gzipReadsItAndItsSizeIsUnderOnePointSixTimesGzipSix() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("holdout-deflater-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    func shell(_ script: String) throws -> Data {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", script]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0, "\(script)")
      return data
    }
    for (name, input) in Self.inputs {
      let path = folder.appendingPathComponent("x.gz").path
      try Data(Self.gzip(input)).write(to: URL(fileURLWithPath: path))
      let decoded = try shell("gzip -dc < '\(path)'")
      #expect([UInt8](decoded) == input, "gzip -dc of \(name)")
    }
    let text = Self.lines(20_000)
    let plain = folder.appendingPathComponent("lines.jsonl").path
    try Data(text).write(to: URL(fileURLWithPath: plain))
    let reference = try shell("gzip -6 -n -c < '\(plain)'").count
    let mine = Self.gzip(text).count
    #expect(mine * 5 < reference * 8, "\(mine) bytes against gzip -6's \(reference)")
  }
}
