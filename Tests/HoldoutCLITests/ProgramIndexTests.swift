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

  /// A broken experiment file is never skipped: a truncated file (invalid JSON, though it has
  /// "arms") and a file whose keys differ in case ("Arms") are errors in the index and exit 65,
  /// while the other journeys are still reported; a plain non-experiment JSON file is skipped.
  @Test(arguments: ["truncated", "capitalised"])
  func aBrokenJourneyIsAnErrorInTheIndexNotASkip(label: String) throws {
    let input = try Self.folder()
    let text = try #require(input.read("cart.json"))
    input.write(
      "cart.json",
      label == "truncated"
        ? String(text.prefix(text.count / 2)) : text.replacingOccurrences(of: "\"arms\"", with: "\"Arms\""))
    let out = Scratch()
    let run = CapturedRun(["report", input.path, "--out", out.path, "--quiet"])
    #expect(run.status == 65, "\(label): \(run.err)")
    #expect(run.err.contains("error: \(input.path)/cart.json"), "\(label): \(run.err)")
    #expect(!run.err.contains("skipped \(input.path)/cart.json"), "\(label): \(run.err)")
    #expect(run.err.contains("skipped \(input.path)/notes.json: not an experiment file"))
    // The healthy journey is reported, and the index says which file was not.
    #expect(out.read("winback-2026/report.md") != nil)
    let index = try #require(out.read("index.md"))
    #expect(index.contains("## Not reported"), "\(index)")
    #expect(index.contains("cart.json"), "\(index)")
    #expect(try #require(out.read("index.html")).contains("<h2>Not reported</h2>"))
    // --check fails too: the journey is still missing.
    #expect(CapturedRun(["report", input.path, "--out", out.path, "--check", "--quiet"]).status == 65)
  }

  @Test func experimentsWithTheSameKeyAreRefused() throws {
    let input = try Self.folder()
    let text = try #require(input.read("winback.json"))
    input.write("winback-copy.json", text)
    let run = CapturedRun(["report", input.path, "--out", Scratch().path, "--quiet"])
    #expect(run.status == 65)
    #expect(run.err.contains("already used by another experiment"))
  }

  /// Two journeys over the same messages and events (the winback fixture, and the same journey
  /// measured a week earlier under another key): each file is read once for both, and each
  /// journey's report is exactly the report of its experiment file alone.
  @Test func journeysReadingTheSameFilesReadEachOnce() throws {
    let input = Scratch()
    var text = try String(contentsOfFile: TestPaths.repository("fixtures/winback/experiment.json"), encoding: .utf8)
    for file in ["cohort.csv", "messages.csv", "events.csv"] {
      text = text.replacingOccurrences(of: "\"\(file)\"", with: "\"\(TestPaths.repository("fixtures/winback/\(file)"))\"")
    }
    let winback = input.write("winback.json", text)
    let earlier = input.write(
      "winback-week.json",
      text.replacingOccurrences(of: "\"key\": \"winback-2026\"", with: "\"key\": \"winback-week\"")
        .replacingOccurrences(of: "2026-11-16T00:00:00Z", with: "2026-11-09T00:00:00Z"))
    let out = Scratch()
    let run = CapturedRun(["report", input.path, "--out", out.path, "--quiet"])
    #expect(run.status == 0, "\(run.err)")
    for file in ["messages.csv", "events.csv"] {
      let path = TestPaths.repository("fixtures/winback/\(file)")
      #expect(run.err.contains("read \(path) once for 2 journeys: winback-week, winback-2026\n"), "\(run.err)")
    }
    for (path, folder) in [(winback, "winback-2026"), (earlier, "winback-week")] {
      let alone = Scratch()
      #expect(CapturedRun(["report", path, "--out", alone.path, "--quiet"]).status == 0)
      for file in ["report.md", "report.json", "report.html"] {
        let single = try #require(alone.read(file))
        #expect(out.read(folder + "/" + file) == single, "\(folder)/\(file)")
      }
    }
    #expect(out.read("winback-week/report.md") != out.read("winback-2026/report.md"))
  }
}
