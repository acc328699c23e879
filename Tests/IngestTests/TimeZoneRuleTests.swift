import Ingest
import TestSupport
import Testing

/// Local wall-clock times converted to UTC, against Python 3's `zoneinfo` (`fold=0`) on the same
/// tzdata: `datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)`.
@Suite struct TimeZoneRuleTests {
  static let reference: [(zone: String, local: String, utc: String)] = [
    ("America/Los_Angeles", "2025-01-15T12:00:00Z", "2025-01-15T20:00:00Z"),
    ("America/Los_Angeles", "2025-07-15T12:00:00Z", "2025-07-15T19:00:00Z"),
    ("America/Los_Angeles", "2025-03-09T02:30:00Z", "2025-03-09T10:30:00Z"),  // skipped hour
    ("America/Los_Angeles", "2025-11-02T01:30:00Z", "2025-11-02T08:30:00Z"),  // repeated hour
    ("America/Los_Angeles", "2045-07-01T12:00:00Z", "2045-07-01T19:00:00Z"),  // POSIX footer rule
    ("America/Los_Angeles", "2045-12-01T12:00:00Z", "2045-12-01T20:00:00Z"),
    ("Australia/Sydney", "2025-01-15T12:00:00Z", "2025-01-15T01:00:00Z"),  // southern summer
    ("Australia/Sydney", "2025-07-15T12:00:00Z", "2025-07-15T02:00:00Z"),
    ("Australia/Sydney", "2045-01-15T12:00:00Z", "2045-01-15T01:00:00Z"),
    ("Asia/Kolkata", "2025-03-04T15:00:00Z", "2025-03-04T09:30:00Z"),
    ("Europe/London", "2025-03-30T01:30:00Z", "2025-03-30T01:30:00Z"),
    ("Europe/London", "2041-08-01T00:00:00Z", "2041-07-31T23:00:00Z"),
    ("America/Sao_Paulo", "2018-01-10T12:00:00Z", "2018-01-10T14:00:00Z"),  // DST abolished 2019
    ("America/Sao_Paulo", "2025-01-10T12:00:00Z", "2025-01-10T15:00:00Z"),
    ("+05:30", "2025-03-04T15:00:00Z", "2025-03-04T09:30:00Z"),
    ("-0800", "2025-03-04T15:00:00Z", "2025-03-04T23:00:00Z"),
    ("UTC", "2025-03-04T15:00:00Z", "2025-03-04T15:00:00Z"),
  ]

  @Test(arguments: reference.indices)
  func localTimesMatchZoneinfo(index: Int) throws {
    let (zone, local, utc) = Self.reference[index]
    let rule = try #require(TimeZoneRule(zone))
    let converted = rule.utc(fromLocal: try #require(Timestamp.parse(local)))
    #expect(Timestamp.format(converted) == utc, "\(zone) \(local)")
  }

  @Test(arguments: ["Mars/Olympus", "../etc/passwd", "+25:00", "+5", "America/", "", "/etc/localtime"])
  func unknownZonesAreRefused(name: String) {
    #expect(TimeZoneRule(name) == nil)
  }

  @Test func timeFormatsReadTheirUnitsAndSayWhetherAZoneWasGiven() throws {
    func read(_ format: TimeFormat, _ text: String) -> TimeFormat.Reading? {
      var copy = text
      return copy.withUTF8 { format.read($0) }
    }
    #expect(read(.unixSeconds, "1741100407")?.micros == 1_741_100_407_000_000)
    #expect(read(.unixMilliseconds, "1741100407123")?.micros == 1_741_100_407_123_000)
    #expect(read(.unixMicroseconds, "1741100407123456")?.micros == 1_741_100_407_123_456)
    #expect(read(.unixSeconds, "1741100407.5")?.micros == 1_741_100_407_500_000)
    #expect(read(.auto, "1741100407123")?.micros == 1_741_100_407_123_000)
    #expect(read(.iso8601, "1741100407") == nil)
    #expect(read(.unixSeconds, "2025-03-04T15:00:07Z") == nil)
    #expect(read(.iso8601, "2025-03-04 15:00:07 +00:00")?.isZoned == true)
    #expect(read(.iso8601, "2025-03-04 15:00:07.123456")?.isZoned == false)
    #expect(read(.iso8601, "2025-03-04 15:00:07.123456")?.micros == Timestamp.parse("2025-03-04T15:00:07.123456Z"))
    #expect(read(.auto, "1741100407")?.isZoned == false)
    // Magnitude: seconds below 10¹¹, milliseconds below 10¹⁴, microseconds above.
    #expect(read(.auto, "1741100407123456")?.micros == 1_741_100_407_123_456)
    #expect(read(.auto, "99999999999999999999") == nil)
  }
}
