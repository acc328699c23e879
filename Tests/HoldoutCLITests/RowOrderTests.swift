import Foundation
import HoldoutCLI
import Ingest
import TestSupport
import Testing

/// Reports do not depend on the order of input rows: shuffling every input file of a committed
/// fixture gives the same report files, numbers and chosen examples alike, except for the line
/// numbers inside examples (`events.csv:123`), which follow the file.
@Suite struct RowOrderTests {
  @Test(arguments: ["winback", "cart-recovery"])
  func shuffledInputsGiveTheSameReportExceptExampleLineNumbers(fixture name: String) throws {
    let fixture = TestPaths.repository("fixtures/" + name)
    let inputs = try Self.inputFiles(fixture)
    #expect(inputs.count >= 3, "\(inputs)")
    let reference = Scratch("holdout-order-reference")
    let run = CapturedRun(["report", fixture + "/experiment.json", "--out", reference.path, "--threads", "1"])
    #expect(run.status == 0, "\(run.err)")

    let shuffled = Scratch("holdout-order-shuffled")
    var rng = SplitMix(seed: 2026)
    for file in inputs {
      try Self.writeShuffled(from: fixture + "/" + file, to: shuffled.path + "/" + file, using: &rng)
    }
    // A different thread count too: the report must not depend on it either.
    try Self.expectSameReports(
      fixture: fixture, reordered: shuffled, reference: reference, inputs: inputs, threads: 3, label: name)
  }

  /// Reports `reordered` (the fixture's inputs in another order) with the fixture's experiment
  /// file on `threads` threads and compares the three report files with `reference`'s, line
  /// numbers inside examples masked. The reference must have such examples and the new order
  /// must move at least one, so the comparison cannot pass by covering nothing.
  static func expectSameReports(
    fixture: String, reordered: Scratch, reference: Scratch, inputs: [String], threads: Int, label: String
  ) throws {
    let config = try #require(FileManager.default.contents(atPath: fixture + "/experiment.json"))
    reordered.write("experiment.json", bytes: [UInt8](config))
    let run = CapturedRun(
      ["report", reordered.path + "/experiment.json", "--out", reordered.path, "--threads", "\(threads)"])
    #expect(run.status == 0, "\(run.err)")
    for report in ["report.md", "report.json", "report.html"] {
      let expected = try #require(reference.read(report))
      let actual = try #require(reordered.read(report))
      let (maskedExpected, masked) = Self.maskingLineNumbers(expected, files: inputs)
      #expect(masked > 0, "\(label)/\(report) has no example with a line number")
      #expect(actual != expected, "\(label)/\(report): the new order moved no example's line")
      expectSameText(Self.maskingLineNumbers(actual, files: inputs).text, maskedExpected, "\(label)/\(report)")
    }
  }

  /// The orders exports arrive in besides shuffled: grouped by user (the simulator's old
  /// order, friendliest to a per-user fold) and sorted by time (warehouse unloads, platform
  /// exports).
  enum SortOrder: String, CaseIterable, Sendable {
    case groupedByUser, sortedByTime
  }

  @Test(arguments: SortOrder.allCases)
  func sortedInputsGiveTheSameReportExceptExampleLineNumbers(order: SortOrder) throws {
    let fixture = TestPaths.repository("fixtures/winback")
    let inputs = try Self.inputFiles(fixture)
    let reference = Scratch("holdout-order-reference-\(order.rawValue)")
    let run = CapturedRun(["report", fixture + "/experiment.json", "--out", reference.path, "--threads", "1"])
    #expect(run.status == 0, "\(run.err)")
    let sorted = Scratch("holdout-order-\(order.rawValue)")
    for file in inputs {
      try Self.writeSorted(from: fixture + "/" + file, to: sorted.path + "/" + file, order: order)
    }
    try Self.expectSameReports(
      fixture: fixture, reordered: sorted, reference: reference, inputs: inputs, threads: 2, label: order.rawValue)
  }

  /// Writes a CSV's records sorted (stable) by user id, the first column, or by the instant in
  /// its time column (`timestamp`, or `entered_at` in a cohort; unreadable times first); the
  /// header stays first. Splitting on commas is only the sort key: rows are written unchanged.
  static func writeSorted(from source: String, to destination: String, order: SortOrder) throws {
    let bytes = try ByteSource(path: source).readAll(limit: 1 << 30)
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    let header = lines.removeFirst()
    let names = header.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
    let timeColumn = try #require(names.firstIndex { $0 == "timestamp" || $0 == "entered_at" }, "\(source)")
    func key(_ line: [UInt8]) -> (user: [UInt8], time: Int64) {
      let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
      let time = timeColumn < fields.count
        ? Array(fields[timeColumn]).withUnsafeBufferPointer { Timestamp.parse($0) } ?? .min : .min
      return (fields.first.map(Array.init) ?? [], time)
    }
    let keyed = lines.enumerated().map { (index: $0.offset, key: key($0.element), line: $0.element) }
    let ordered = keyed.sorted { a, b in
      switch order {
      case .groupedByUser:
        if a.key.user != b.key.user { return a.key.user.lexicographicallyPrecedes(b.key.user) }
      case .sortedByTime:
        if a.key.time != b.key.time { return a.key.time < b.key.time }
      }
      return a.index < b.index
    }
    let text = ([header] + ordered.map(\.line)).joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]
    try ByteSink.write(try #require(String(validating: text, as: UTF8.self)), to: destination)
  }

  @Test func maskingReplacesOnlyTheDigitsAfterAFileName() {
    let (text, count) = Self.maskingLineNumbers(
      "- events.csv:12: user 'a' (see events.csv:7) events.csv: x.csv:9 events.csv:: events.csv:3",
      files: ["events.csv"])
    #expect(text == "- events.csv:#: user 'a' (see events.csv:#) events.csv: x.csv:9 events.csv:: events.csv:#")
    #expect(count == 3)
  }

  /// The input files of a fixture: every file but the experiment file and the planted truth.
  static func inputFiles(_ fixture: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: fixture)
      .filter { $0 != "experiment.json" && $0 != "truth.json" }
      .sorted()
  }

  /// Writes the records of `source` in a shuffled order: a CSV's header line stays first; a
  /// gzip file is decompressed, shuffled and compressed again under the same name.
  static func writeShuffled(from source: String, to destination: String, using rng: inout SplitMix) throws {
    let bytes = try ByteSource(path: source).readAll(limit: 1 << 30)
    #expect(bytes.last == UInt8(ascii: "\n"), "\(source) does not end with a line break")
    var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    #expect(!lines.contains { $0.contains(UInt8(ascii: "\r")) || $0.isEmpty }, "\(source): CR or blank lines")
    let isCSV = source.hasSuffix(".csv")
    let header = isCSV ? [lines.removeFirst()] : []
    // Fisher–Yates with the test's own generator, so the order is the same on every run.
    for i in stride(from: lines.count - 1, to: 0, by: -1) {
      lines.swapAt(i, Int(rng.next() % UInt64(i + 1)))
    }
    let shuffled = (header + lines).joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]
    let text = try #require(String(validating: shuffled, as: UTF8.self), "\(source) is not UTF-8")
    if source.hasSuffix(".gz") {
      let file = try GzipFile(path: destination)
      try file.write(text)
      try file.close()
    } else {
      try ByteSink.write(text, to: destination)
    }
  }

  /// `text` with the digits after every `<file>:` of `files` replaced by `#`, and how many
  /// were replaced. A file name followed by a colon and no digit is left alone.
  static func maskingLineNumbers(_ text: String, files: [String]) -> (text: String, count: Int) {
    var result = text
    var count = 0
    for file in files {
      let marker = file + ":"
      var output = ""
      var rest = Substring(result)
      while let found = rest.range(of: marker) {
        output += rest[..<found.upperBound]
        rest = rest[found.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
          output += "#"
          count += 1
          rest = rest[digits.endIndex...]
        }
      }
      output += rest
      result = output
    }
    return (result, count)
  }
}
