import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// `holdout report DIR --out OUT`: every journey's reports and the index with statuses and the
/// program total.
@Suite struct ProgramIndexTests {
  /// A folder holding both fixtures' experiment files (inputs by absolute path) and a JSON file
  /// that is not an experiment.
  static func folder() throws -> Scratch {
    let scratch = Scratch()
    for (name, fixture, files) in [
      ("winback.json", "winback", ["cohort.csv", "messages.csv", "events.csv"]),
      ("cart.json", "cart-recovery", ["cohort.csv", "identities.csv", "messages.jsonl.gz", "events.json.gz"]),
    ] {
      var text = try String(contentsOfFile: TestPaths.repository("fixtures/\(fixture)/experiment.json"), encoding: .utf8)
      for file in files {
        text = text.replacingOccurrences(of: "\"\(file)\"", with: "\"\(TestPaths.repository("fixtures/\(fixture)/\(file)"))\"")
      }
      scratch.write(name, text)
    }
    scratch.write("notes.json", "{\"note\": \"not an experiment\"}\n")
    return scratch
  }

  @Test func writesEveryReportAndAnIndexThatCheckModeAccepts() throws {
    let input = try Self.folder()
    let out = Scratch()
    let run = CapturedRun(["report", input.path, "--out", out.path, "--quiet"])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.err.contains("skipped \(input.path)/notes.json: not an experiment file"))
    for file in ["winback-2026/report.html", "winback-2026/report.json", "cart-recovery-2026/report.md", "index.md", "index.html"] {
      #expect(FileManager.default.fileExists(atPath: out.path + "/" + file), "\(file)")
    }
    let index = try #require(out.read("index.md"))
    #expect(index.contains("| [cart-recovery-2026](cart-recovery-2026/report.md) | conclusive win | 6,000 |"))
    #expect(index.contains("| [winback-2026](winback-2026/report.md) | running | 16,000 |"))
    #expect(index.contains("+621 incremental conversions from 2 primary metrics"))
    // The per-journey reports are the single-experiment reports.
    let single = try String(contentsOfFile: TestPaths.repository("reports/winback/report.md"), encoding: .utf8)
    #expect(out.read("winback-2026/report.md") == single)
    #expect(CapturedRun(["report", input.path, "--out", out.path, "--check", "--quiet"]).status == 0)
  }

  @Test func experimentsWithTheSameKeyAreRefused() throws {
    let input = try Self.folder()
    let text = try #require(input.read("winback.json"))
    input.write("winback-copy.json", text)
    let run = CapturedRun(["report", input.path, "--out", Scratch().path, "--quiet"])
    #expect(run.status == 65)
    #expect(run.err.contains("already used by another experiment"))
  }
}
