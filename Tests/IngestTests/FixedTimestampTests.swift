import Foundation
@testable import Ingest
import Testing

/// The `YYYY-MM-DDTHH:MM:SSZ` fast path reads exactly what the general ISO-8601 parser reads: each
/// string is compared with the same text ending in `+00:00` instead of `Z`, which only the general
/// parser handles (22 bytes), accepted or rejected alike.
@Suite struct FixedTimestampTests {
  /// `text` with its final `Z` replaced by `+00:00`.
  static func general(_ text: String) -> String { String(text.dropLast()) + "+00:00" }

  static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
      Timestamp.parse(text) == Timestamp.parse(Self.general(text)), "\(text)", sourceLocation: sourceLocation)
    let fast = Array(text.utf8).withUnsafeBufferPointer { TimeFormat.auto.read($0) }
    let slow = Array(Self.general(text).utf8).withUnsafeBufferPointer { TimeFormat.auto.read($0) }
    #expect(fast == slow, "\(text)", sourceLocation: sourceLocation)
  }

  @Test func everyFieldAtItsLimits() {
    var accepted = 0, rejected = 0
    for year in ["0000", "1969", "1970", "1999", "2000", "2024", "2026", "2100", "9999"] {
      for month in ["00", "01", "02", "04", "12", "13", "99"] {
        for day in ["00", "01", "28", "29", "30", "31", "32"] {
          for time in ["00:00:00", "23:59:59", "23:59:60", "24:00:00", "12:60:00", "12:00:61", "09:05:07"] {
            let text = "\(year)-\(month)-\(day)T\(time)Z"
            Self.expectSame(text)
            if Timestamp.parse(text) != nil { accepted += 1 } else { rejected += 1 }
          }
        }
      }
    }
    // Both outcomes are covered: the comparison cannot pass by rejecting (or accepting) all.
    #expect(accepted > 500 && rejected > 1_000, "accepted \(accepted), rejected \(rejected)")
    #expect(Timestamp.parse("2024-02-29T23:59:60Z") == Timestamp.parse("2024-03-01T00:00:00Z"))
    #expect(Timestamp.parse("2026-08-22T02:39:58Z") == 1_787_366_398_000_000)
  }

  @Test func everyDayOfLeapAndCenturyYearsAndTheTableEnds() {
    // Day by day through 1899–1901 and 2000–2003 (leap, non-leap and century rules) and the
    // ends of the table (years 0 and 9999): the fast path against the general parser.
    var accepted = 0
    for (from, to) in [(1899, 1901), (2000, 2003)] {
      for year in from...to {
        for month in 1...12 {
          for day in 1...31 {
            let text = String(format: "%04d-%02d-%02dT00:00:00Z", year, month, day)
            Self.expectSame(text)
            if Timestamp.parse(text) != nil { accepted += 1 }
          }
        }
      }
    }
    #expect(accepted == 3 * 365 + 365 * 3 + 366)
    for text in ["0000-01-01T00:00:00Z", "0000-02-29T12:00:00Z", "0001-03-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
      Self.expectSame(text)
      #expect(Timestamp.parse(text) != nil, "\(text)")
    }
  }

  /// The fast path itself takes every valid Z time (else the comparisons above would only
  /// compare the general parser with itself) and gives the general parser's instant.
  @Test func theFastPathReadsValidTimesItself() {
    var taken = 0
    for text in ["2026-08-22T02:39:58Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-29T12:34:56Z",
                 "1969-12-31T23:59:59Z", "2000-03-01T00:00:00Z"] {
      let fast = Array(text.utf8).withUnsafeBufferPointer { Timestamp.fixedUTC($0) }
      #expect(fast != nil, "\(text)")
      #expect(fast == Timestamp.parse(Self.general(text)), "\(text)")
      if fast != nil { taken += 1 }
    }
    #expect(taken == 6)
    for text in ["2026-08-22 02:39:58Z", "2026-08-22T02:39:58z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                 "2026-08-22T24:00:00Z", "2026-0a-22T02:39:58Z", "2026-08-22T02-39:58Z", "2026/08/22T02:39:58Z"] {
      #expect(Array(text.utf8).withUnsafeBufferPointer { Timestamp.fixedUTC($0) } == nil, "\(text)")
    }
  }

  @Test func anyByteReplacedAnywhere() {
    let base = Array("2026-08-22T02:39:58Z".utf8)
    for position in base.indices {
      for byte in [0x00, 0x20, 0x2B, 0x2D, 0x2F, 0x30, 0x35, 0x39, 0x3A, 0x41, 0x54, 0x5A, 0x61, 0x74, 0x7A, 0xFF] as [UInt8] {
        var bytes = base
        bytes[position] = byte
        // The general form of the mutated text: its last byte replaced by +00:00.
        let general = Array(bytes.dropLast()) + Array("+00:00".utf8)
        let fast = bytes.withUnsafeBufferPointer { Timestamp.parse($0) }
        let slow = general.withUnsafeBufferPointer { Timestamp.parse($0) }
        if bytes.last == UInt8(ascii: "Z") {
          #expect(fast == slow, "byte \(byte) at \(position)")
        } else {
          // Not a Z time any more: the general parser decides both (lower-case z is a zone too).
          #expect(fast == nil || byte == UInt8(ascii: "z"), "byte \(byte) at \(position): \(String(describing: fast))")
        }
      }
    }
  }
}
