import Foundation
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import Testing
import TestSupport
import Warehouse
import WarehouseSQL

/// `report --aggregates`' reader: a small valid aggregates file gives the expected statistics,
/// and each kind of bad file stops with `file:line:` and what is wrong.
@Suite struct AggregateReaderTests {
  @Test func aValidFileGivesTheStatisticsItsSumsDescribe() throws {
    let fixture = try TinyAggregates.Fixture()
    let measurement = try fixture.read(fixture.rows())
    #expect(measurement.users == [10, 10])
    #expect(measurement.exposure.exposed == [0, 10])
    #expect(measurement.metrics[0].arms.map(\.count) == [10, 10])
    expectClose(measurement.metrics[0].arms[1].mean, 0.4)
    // Revenue 4 × 20.00 over 10 users: mean 8, Σ(x − 8)² = 4·144 + 6·64 = 960.
    expectClose(measurement.metrics[1].arms[1].mean, 8)
    expectClose(measurement.metrics[1].arms[1].m2, 960)
    #expect(measurement.metrics[1].appliedCap == 100)
    expectClose(measurement.metrics[0].spend[1], 0.075)
    #expect(measurement.segments[0].values.map(\.value) == ["gold", "silver"])
    #expect(measurement.segments[0].values[0].users == [10, 0])
    #expect(measurement.survival?.times[1].count == 10)
    #expect(measurement.survival?.returned[1].filter { $0 }.count == 6)
    #expect(measurement.files.map(\.rowsRead) == [21, 10, 40])
    #expect(measurement.files[0][.rejected] == 1 && measurement.files[0].isBalanced)
    #expect(measurement.origin?.dialect == "duckdb")
    let markdown = MarkdownReportRenderer.render(ExperimentReport(measurement: measurement))
    #expect(markdown.contains("computed in the warehouse (duckdb query"))
    #expect(markdown.contains("does not recompute the hash"))
  }

  @Test func aBoundedQueryIsRefusedWhenTheCohortEnteredBeforeSinceAndStatedWhenNot() throws {
    let text = TinyAggregates.experimentText.replacingOccurrences(
      of: #""segments": ["tier"]"#, with: #""segments": ["tier"], "warehouse": {"since": "2026-10-01"}"#)
    let fixture = try TinyAggregates.Fixture(text: text)
    #expect(fixture.experiment.warehouse.since == Timestamp.parse("2026-10-01T00:00:00Z"))
    // Within the bounds: read, and every report says which rows the query read (since less the
    // 7-day look-back and a day, as_of plus a day).
    let measurement = try fixture.read(fixture.rows())
    let report = ExperimentReport(measurement: measurement)
    #expect(MarkdownReportRenderer.render(report).contains("timed from 2026-09-23T00:00:00Z until 2026-11-17T00:00:00Z"))
    #expect(JSONReportRenderer.render(report).contains(#""reads_from": "2026-09-23T00:00:00Z""#))
    #expect(HTMLReportRenderer.render(report).contains("until 2026-11-17T00:00:00Z"))
    // Entries before since needed rows the query did not read: refused, saying how to fix it.
    let early = fixture.rows().map { $0[0] == "finding" && $0[4] == "entries_before_since" ? Array($0[..<5]) + ["3"] + $0[6...] : $0 }
    do {
      _ = try fixture.read(early)
      Issue.record("aggregates with entries before since were read")
    } catch {
      #expect("\(error)".contains("3 cohort entries are before warehouse.since (2026-10-01T00:00:00Z)"))
    }
  }

  @Test func aNullWrittenAsBackslashNIsAnEmptyNumber() throws {
    // ClickHouse's CSV writes NULL as \N (an arm without users has no first entry): the same file
    // with \N in every empty number column reads as the file with them empty.
    let fixture = try TinyAggregates.Fixture()
    let plain = try fixture.read(fixture.rows())
    let nulls = fixture.rows().map { row in row.enumerated().map { k, cell in k >= AggregateColumns.firstNumber && cell.isEmpty ? "\\N" : cell } }
    #expect(nulls.joined().filter { $0 == "\\N" }.count > 100)
    let measurement = try fixture.read(nulls)
    #expect(measurement.users == plain.users && measurement.exposure.exposed == plain.exposure.exposed)
    #expect(measurement.metrics.map { $0.arms.map(\.count) } == plain.metrics.map { $0.arms.map(\.count) })
    #expect(measurement.metrics.map { $0.arms.map(\.mean) } == plain.metrics.map { $0.arms.map(\.mean) })
    #expect(measurement.metrics[1].appliedCap == plain.metrics[1].appliedCap)
    // Only a number column: \N as an arm name is still an unknown arm.
    var rows = fixture.rows()
    rows[5][1] = "\\N"
    #expect(throws: WarehouseError.self) { try fixture.read(rows) }
  }

  /// (what is changed, the error's expected line and words)
  static let corruptions: [(String, @Sendable ([[String]]) -> [[String]], Int?, String)] = [
    ("another layout version", { r in var r = r; r[0][4] = "holdout-aggregates/0"; return r }, 2, "this Holdout reads holdout-aggregates/1"),
    ("another experiment", { r in var r = r; r[1][4] = "other"; return r }, 3, "of experiment 'other'"),
    ("a stale query", { r in var r = r; r[2][4] = "fnv1a64:0000000000000000"; return r }, 4, "another version of the experiment file"),
    ("an unknown arm", { r in var r = r; r[5][1] = "sms"; return r }, 7, "arm 'sms' is not an arm of tiny"),
    ("a missing arm", { r in r.filter { !($0[0] == "users" && $0[1] == "journey") } }, nil, "arm journey has no users row"),
    ("a negative n", { r in var r = r; r[5][5] = "-3"; return r }, 7, "is not a count"),
    ("an unknown metric", { r in var r = r; r[7][2] = "clicks"; return r }, 9, "metric 'clicks' is not a metric of tiny"),
    ("converters above n", { r in var r = r; r[7][6] = "11000000"; r[7][7] = "11000000000000"; return r }, 9, "n·Σx² < (Σx)²"),
    ("half a converter", { r in var r = r; r[7][6] = "2500000"; r[7][7] = "2500000000000"; return r }, 9, "0/1 metric 'converted'"),
    ("a sum that no n values give", { r in var r = r; r[9][7] = "1"; return r }, 11, "n·Σx² < (Σx)²"),
    ("n without open", { r in var r = r; r[9][5] = "9"; return r }, 11, "n + open must equal"),
    ("a fractional sum", { r in var r = r; r[9][6] = "20000000.5"; return r }, 11, "is not an integer"),
    ("an unknown section", { r in r + [["bogus"] + Array(repeating: "", count: 20)] }, 35, "unknown section 'bogus'"),
    ("a survival total that is not the arm's users", { r in var r = r; r[17][5] = "2"; return r }, nil, "count 9 users, the arm has 10"),
    ("an unknown fate", { r in var r = r; r[21][4] = "lost"; return r }, 23, "neither a fate nor a rejection reason"),
    ("a missing finding", { r in Array(r.dropLast()) }, nil, "no finding row"),
  ]

  @Test(arguments: corruptions.indices)
  func aCorruptFileStopsNamingTheLineAndTheProblem(_ index: Int) throws {
    let (name, change, line, words) = Self.corruptions[index]
    let fixture = try TinyAggregates.Fixture()
    do {
      _ = try fixture.read(change(fixture.rows()))
      Issue.record("\(name): accepted")
    } catch let error as WarehouseError {
      let text = error.description
      #expect(text.contains(words), "\(name): \(text)")
      if let line { #expect(text.hasPrefix("aggregates.csv:\(line):"), "\(name): \(text)") }
    }
  }

  @Test func aFileWithMoreRowsThanTheLimitStopsNamingIt() throws {
    let fixture = try TinyAggregates.Fixture()
    var reader = AggregateReader(experiment: fixture.experiment, digest: fixture.digest)
    reader.maximumRows = 5
    #expect {
      try reader.read(path: fixture.write(fixture.rows()))
    } throws: { error in
      "\(error)".hasPrefix("aggregates.csv:7:") && "\(error)".contains("more than 5 rows, the limit for an aggregates file")
    }
  }

  @Test func aHeaderOfAnotherLayoutIsRefusedOnLineOne() throws {
    let fixture = try TinyAggregates.Fixture()
    var header = AggregateColumns.names
    header.removeLast()
    let path = fixture.write(fixture.rows().map { Array($0.dropLast()) }, header: header)
    #expect {
      try AggregateReader(experiment: fixture.experiment, digest: fixture.digest).read(path: path)
    } throws: { error in
      "\(error)".hasPrefix("aggregates.csv:1:") && "\(error)".contains("missing last_entry")
    }
  }
}
