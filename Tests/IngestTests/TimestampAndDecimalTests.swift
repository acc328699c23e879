import Ingest
import Testing

@Suite struct TimestampTests {
  /// 2026-10-03T14:22:05Z in microseconds since the epoch.
  static let instant: Int64 = 1_791_037_325_000_000

  /// Epoch numbers have at most 17 integer digits, as docs/inputs.md says: 17 digits of
  /// microseconds read; 18 (123456789012345678 µs, year 5882, used to be accepted) do not.
  @Test func epochNumbersHaveAtMostSeventeenDigits() {
    #expect(Timestamp.parse("17910373250000000") == 17_910_373_250_000_000)
    #expect(Timestamp.parse("123456789012345678") == nil)
    #expect(Timestamp.parse("012345678901234567") == nil)
  }

  @Test(arguments: [
    "2026-10-03T14:22:05Z", "2026-10-03T14:22:05z", "2026-10-03 14:22:05", "2026-10-03T14:22:05",
    "2026-10-03T16:22:05+02:00", "2026-10-03T16:22:05+0200", "2026-10-03T16:22:05+02",
    "2026-10-03T09:22:05-05:00", "2026-10-03 14:22:05 +00:00", "2026-10-03 14:22:05 UTC",
    "1791037325", "1791037325000", "2026-10-03T14:22:05.000Z",
  ])
  func everyFormReadsTheSameInstant(text: String) {
    #expect(Timestamp.parse(text) == Self.instant, "\(text)")
  }

  @Test func fractionsAndPrecision() {
    #expect(Timestamp.parse("2026-10-03T14:22:05.5Z") == Self.instant + 500_000)
    #expect(Timestamp.parse("2026-10-03 14:22:05.123456") == Self.instant + 123_456)
    #expect(Timestamp.parse("2026-10-03T14:22:05.123456789Z") == Self.instant + 123_456)
    #expect(Timestamp.parse("1791037325.25") == Self.instant + 250_000)
    #expect(Timestamp.parse("1791037325250") == Self.instant + 250_000)
    #expect(Timestamp.parse("2026-10-03") == Self.instant - (14 * 3600 + 22 * 60 + 5) * 1_000_000)
    #expect(Timestamp.parse("2026-10-03T14:22Z") == Self.instant - 5_000_000)
  }

  @Test(arguments: [
    "", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-10-03T24:00:00Z",
    "2026-10-03T14:22:05+25:00", "2026-10-03T14:22:05Zjunk", "12.5.3", "-5", "2026-10-03T14:22:05.Z",
  ])
  func rejectsInvalidForms(text: String) {
    #expect(Timestamp.parse(text) == nil, "\(text)")
  }

  @Test func leapYearsAndFormatting() {
    #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
    #expect(Timestamp.parse("2026-02-29T00:00:00Z") == nil)
    #expect(Timestamp.format(Self.instant) == "2026-10-03T14:22:05Z")
    #expect(Timestamp.format(Self.instant + 1) == "2026-10-03T14:22:05.000001Z")
    #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
    for days: Int64 in [-800_000, -1, 0, 59, 365 * 400, 2_000_000] {
      let (y, m, d) = Timestamp.civil(days: days)
      #expect(Timestamp.days(year: y, month: m, day: d) == days)
    }
  }
}

@Suite struct DecimalTests {
  @Test(arguments: [
    ("12.99", 12_990_000), ("0", 0), ("-3.5", -3_500_000), ("+7", 7_000_000), (".25", 250_000),
    ("5.", 5_000_000), ("1.0000005", 1_000_001), ("1.00000049", 1_000_000), ("1e3", 1_000_000_000),
    ("2.5E-1", 250_000),
  ] as [(String, Int64)])
  func parsesToMicroUnits(text: String, expected: Int64) {
    #expect(Decimal.parseMicros(text) == expected, "\(text)")
  }

  @Test(arguments: ["", "abc", "12;99", "1,5", "nan", "inf", "1e400", "-", ".", "1e", "9999999999999"])
  func rejectsNonNumbers(text: String) {
    #expect(Decimal.parseMicros(text) == nil, "\(text)")
  }
}

@Suite struct ByteKeyTableTests {
  @Test func internsDenselyAndFindsAfterGrowth() {
    var table = ByteKeyTable(capacity: 2)
    for i in 0..<10_000 { #expect(table.intern("user-\(i)") == Int32(i)) }
    #expect(table.count == 10_000)
    #expect(table.find("user-9999") == 9_999)
    #expect(table.find("user-10000") == nil)
    #expect(table.string(42) == "user-42")
    #expect(table.precedes(table.find("user-10")!, table.find("user-2")!))
  }

  /// `inlineWords` (whole-word loads inside the key) gives the key's first 16 bytes zero-padded,
  /// for every length, read from the end of an exact-size allocation (so no load may pass it).
  @Test func inlineWordsAreTheFirstSixteenBytesZeroPadded() {
    for length in 0...40 {
      let key = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(length, 1))
      defer { key.deallocate() }
      for k in 0..<length { key[k] = UInt8(truncatingIfNeeded: 0xA1 &+ 37 &* k) }
      var padded = [UInt8](repeating: 0, count: 16)
      for k in 0..<min(length, 16) { padded[k] = key[k] }
      let expected = padded.withUnsafeBytes {
        ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
      }
      let words = ByteKeyTable.inlineWords(UnsafeBufferPointer(start: key.baseAddress, count: length))
      #expect(words == expected, "length \(length)")
    }
  }

  /// The hash spreads sequential ids evenly over the low bits linear probing uses, and over the
  /// top byte `EventIDSet` shards by: every bucket's count stays within 5 standard deviations.
  @Test func hashSpreadsSequentialKeys() {
    let n = 200_000
    var low = [Int](repeating: 0, count: 1024), top = [Int](repeating: 0, count: 256)
    for i in 0..<n {
      for key in ["cus_\(i)", "\(i)", "a-much-longer-user-identifier-\(i)"] {
        var copy = key
        let h = copy.withUTF8 { ByteKeyTable.hash($0) }
        low[Int(h & 1023)] += 1
        top[Int(h >> 56)] += 1
      }
    }
    func withinFiveSigma(_ counts: [Int]) -> Bool {
      let mean = Double(3 * n) / Double(counts.count)
      return counts.allSatisfy { abs(Double($0) - mean) < 5 * mean.squareRoot() }
    }
    #expect(withinFiveSigma(low))
    #expect(withinFiveSigma(top))
  }

  /// Keys that differ in one byte, or only in length (trailing zero bytes), hash apart, in every
  /// length class of the hash (1–3, 4–7, 8 and more bytes).
  @Test func hashSeparatesNearKeys() {
    var seen = Set<UInt64>()
    var count = 0
    for length in 0...24 {
      for position in 0..<max(length, 1) {
        for value: UInt8 in [0, 1, 0x41, 0xFF] {
          var bytes = [UInt8](repeating: 0x30, count: length)
          if length > 0 { bytes[position] = value }
          seen.insert(bytes.withUnsafeBufferPointer { ByteKeyTable.hash($0) })
          count += 1
        }
      }
    }
    let zeros = (0...24).map { [UInt8](repeating: 0, count: $0).withUnsafeBufferPointer { ByteKeyTable.hash($0) } }
    #expect(Set(zeros).count == zeros.count)
    // Distinct byte strings among those generated: every length × position × value, less the
    // repeats (value 0x30 is not in the list, so each (length, position, value) is distinct).
    #expect(seen.count == count - 3)
  }

  /// No word resets the state: keys that differ only in their first 8 bytes keep different hashes
  /// whatever follows, including words that zero the multiply-fold (w = k₁).
  @Test func noWordResetsTheState() {
    var state: UInt64 = 99
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
    for suffix: [UInt64] in [[0xA076_1D64_78BD_642F], [0, 0xA076_1D64_78BD_642F], [next(), next()]] {
      var seen = Set<UInt64>()
      for _ in 0..<20_000 {
        let words = [next()] + suffix
        let h = words.map { $0.littleEndian }.withUnsafeBytes { ByteKeyTable.hash($0.bindMemory(to: UInt8.self)) }
        seen.insert(h)
      }
      #expect(seen.count == 20_000)
    }
  }

  /// The batched lookup answers exactly as `find` one key at a time: short and long keys (long
  /// ones read from the caller's buffer), absent keys, the empty key, keys sharing a prefix.
  @Test func batchedLookupsMatchSingleLookups() {
    var table = ByteKeyTable(capacity: 4)
    let present = (0..<3_000).map { i in i % 3 == 0 ? "a-much-longer-user-identifier-\(i)" : "u\(i)" } + [""]
    for key in present { table.intern(key) }
    let probes = present + (0..<1_000).map { "absent-\($0)" } + ["a-much-longer-user-identifier-", "u", "u1 "]
    var keys: [UInt8] = []
    var lookups: [ByteKeyTable.Lookup] = []
    for probe in probes {
      let bytes = Array(probe.utf8)
      bytes.withUnsafeBufferPointer { lookups.append(ByteKeyTable.lookup($0, offset: keys.count)) }
      // As the join does: only keys longer than 16 bytes keep their bytes in the buffer.
      if bytes.count > 16 { keys.append(contentsOf: bytes) }
    }
    var ids = [Int32](repeating: -2, count: probes.count)
    lookups.withUnsafeBufferPointer { lookups in
      keys.withUnsafeBufferPointer { keys in
        ids.withUnsafeMutableBufferPointer { table.find(lookups, keys: keys, into: $0) }
      }
    }
    for (probe, id) in zip(probes, ids) { #expect(id == (table.find(probe) ?? -1), "\(probe)") }
    #expect(ids.prefix(present.count).allSatisfy { $0 >= 0 })
    #expect(ids.dropFirst(present.count).allSatisfy { $0 == -1 })
  }
}

@Suite struct DecimalFormatTests {
  @Test(arguments: [(42_500_000, "42.5"), (40_000_000, "40"), (-1, "-0.000001"), (0, "0"), (3_140_000, "3.14")])
  func microUnitsPrintExactly(micros: Int64, text: String) {
    #expect(Decimal.format(micros) == text)
    #expect(Decimal.parseMicros(text) == micros)
  }
}
