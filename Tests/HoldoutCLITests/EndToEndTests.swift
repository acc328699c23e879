import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// The whole pipeline on the committed win-back fixture, against the committed report.
@Suite struct EndToEndTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")
  static let reports = TestPaths.repository("reports/winback")

  @Test func regeneratedReportMatchesTheCommittedSnapshot() throws {
    let scratch = Scratch()
    let run = CapturedRun(["report", Self.experiment, "--out", scratch.path])
    #expect(run.status == 0, "\(run.err)")
    for file in ["report.md", "report.json", "report.html"] {
      expectSnapshot(try #require(scratch.read(file)), path: "reports/winback/" + file)
    }
  }

  @Test func checkModePassesOnTheCommittedReportAndFailsWithADiff() throws {
    let ok = CapturedRun(["report", Self.experiment, "--out", Self.reports, "--check"])
    #expect(ok.status == 0, "\(ok.err)")
    let scratch = Scratch()
    _ = CapturedRun(["report", Self.experiment, "--out", scratch.path])
    let md = try #require(scratch.read("report.md"))
    scratch.write("report.md", md.replacingOccurrences(of: "Users analysed", with: "Users analyzed"))
    let failed = CapturedRun(["report", Self.experiment, "--out", scratch.path, "--check"])
    #expect(failed.status == 1)
    #expect(failed.err.contains("-5: - Users analyzed"))
    #expect(failed.err.contains("+5: - Users analysed"))
  }

  /// Same inputs in reverse row order give the same report: every number and every chosen
  /// example; only the line numbers inside examples (`events.csv:123`) follow the file.
  @Test func reportIsIndependentOfInputRowOrder() throws {
    let scratch = Scratch()
    let fixture = TestPaths.repository("fixtures/winback")
    let names = ["cohort.csv", "messages.csv", "events.csv"]
    for name in names {
      let text = try String(contentsOfFile: fixture + "/" + name, encoding: .utf8)
      var lines = text.split(separator: "\n").map(String.init)
      let header = lines.removeFirst()
      lines.reverse()
      scratch.write(name, ([header] + lines).joined(separator: "\n") + "\n")
    }
    let config = try String(contentsOfFile: Self.experiment, encoding: .utf8)
    scratch.write("experiment.json", config)
    let run = CapturedRun(["report", scratch.path + "/experiment.json", "--format", "json"])
    #expect(run.status == 0)
    let committed = try String(contentsOfFile: Self.reports + "/report.json", encoding: .utf8)
    let (expected, masked) = RowOrderTests.maskingLineNumbers(committed, files: names)
    #expect(masked > 0)
    expectSameText(RowOrderTests.maskingLineNumbers(run.out, files: names).text, expected, "reversed-input report.json")
  }

  @Test func markdownGoesToStandardOutputWithoutOut() {
    let run = CapturedRun(["report", Self.experiment, "--format", "md", "--as-of", "2026-11-09"])
    #expect(run.status == 0)
    #expect(run.out.hasPrefix("# Holdout report: `winback-2026`"))
    #expect(run.out.contains("As of: 2026-11-09T00:00:00Z"))
  }
}
