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
    let config = try #require(FileManager.default.contents(atPath: fixture + "/experiment.json"))
    shuffled.write("experiment.json", bytes: [UInt8](config))
    // A different thread count too: the report must not depend on it either.
    let again = CapturedRun(["report", shuffled.path + "/experiment.json", "--out", shuffled.path, "--threads", "3"])
    #expect(again.status == 0, "\(again.err)")

    for report in ["report.md", "report.json", "report.html"] {
      let expected = try #require(reference.read(report))
      let actual = try #require(shuffled.read(report))
      let (maskedExpected, masked) = Self.maskingLineNumbers(expected, files: inputs)
      // The reference has examples with line numbers, so the comparison covers them.
      #expect(masked > 0, "\(name)/\(report) has no example with a line number")
      #expect(actual != expected, "\(name)/\(report): the shuffle moved no example's line")
      expectSameText(Self.maskingLineNumbers(actual, files: inputs).text, maskedExpected, "\(name)/\(report)")
    }
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
