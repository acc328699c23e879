import Foundation
import Simulation
import TestSupport
import Testing

/// The simulator's random source and its determinism: the fixtures, benchmarks and planted-effect
/// tests all rest on "the same N and seed give the same files".
@Suite struct SplitMix64Tests {
  /// Reference outputs of Vigna's splitmix64.c (seed 1234567: the values its authors publish;
  /// seed 0 computed with a Python transcription of the C code).
  @Test func theStreamMatchesTheReferenceImplementation() {
    var a = SplitMix64(seed: 1_234_567)
    #expect((0..<4).map { _ in a.next() } == [
      6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423, 4_593_380_528_125_082_431,
    ])
    var b = SplitMix64(seed: 0)
    #expect((0..<4).map { _ in b.next() } == [
      16_294_208_416_658_607_535, 7_960_286_522_194_355_700, 487_617_019_471_545_679, 17_909_611_376_780_542_444,
    ])
  }

  /// uniform() is the top 53 bits over 2⁵³ (Python: `(x >> 11) * 2**-53` on the same stream).
  @Test func uniformTakesTheTop53Bits() {
    var rng = SplitMix64(seed: 42)
    let values = (0..<3).map { _ in rng.uniform() }
    #expect(values == [0.7415648787718233, 0.1599103928769201, 0.27860113025513866])
  }

  /// index(n) stays in range and, over many draws, hits every value about equally often.
  @Test func indexIsInRangeAndRoughlyUniform() {
    var rng = SplitMix64(seed: 7)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<100_000 { counts[rng.index(10)] += 1 }
    // Each count is Binomial(100000, 0.1): sd ≈ 95; 6 sd either side fails with p < 1e-8.
    for count in counts { #expect(abs(count - 10_000) < 570, "\(counts)") }
  }
}

@Suite struct SimulatorDeterminismTests {
  static func files(_ directory: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
      out[name] = FileManager.default.contents(atPath: directory + "/" + name)
    }
    return out
  }

  @Test func theSameUsersAndSeedGiveTheSameBytesAndAnotherSeedDoesNot() throws {
    let scratch = Scratch()
    for (folder, seed) in [("a", UInt64(5)), ("b", 5), ("c", 6)] {
      try Simulator(users: 300, seed: seed, lift: 0.15).write(to: scratch.path + "/" + folder)
    }
    let a = try Self.files(scratch.path + "/a")
    #expect(a.keys.sorted() == ["cohort.csv", "events.csv", "experiment.json", "messages.csv", "truth.json"])
    #expect(a == (try Self.files(scratch.path + "/b")))
    let c = try Self.files(scratch.path + "/c")
    #expect(a["events.csv"] != c["events.csv"])
    // The cohort lists the 300 users after a header, then its planted traps: one user exported
    // twice, an impossible entry date and an unknown arm.
    let cohort = String(decoding: try #require(a["cohort.csv"]), as: UTF8.self)
    let lines = cohort.split(separator: "\n").map(String.init)
    #expect(lines.first == "user_id,entered_at,arm,segment")
    #expect(lines.count == 1 + 300 + 3)
    #expect(Set(lines[1...300].map { $0.split(separator: ",")[0] }).count == 300)
    #expect(lines[301] == lines[4])
    #expect(lines[302].hasPrefix("cus_badentry,2026-02-30") && lines[303].hasPrefix("cus_badarm,"))
  }
}
