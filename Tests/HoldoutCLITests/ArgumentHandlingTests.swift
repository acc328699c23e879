import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// How help is asked for and how arguments are refused, and the defects a hostile-input audit
/// found, each as a test (the help texts themselves: `HelpSnapshotTests`).
@Suite struct ArgumentHandlingTests {
  static let commands = HelpSnapshotTests.commands

  static let experiment = """
    {"key": "x", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
     "inputs": {"cohort": "cohort.csv", "events": "events.csv"}, "as_of": "2026-03-01",
     "metrics": [{"name": "conv", "kind": "conversion", "event": "order", "window_days": 14}]}
    """

  /// A scratch experiment with `cohort` as its cohort file.
  static func scratch(cohort: String, experiment: String = experiment) -> (Scratch, String) {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", experiment)
    scratch.write("cohort.csv", cohort)
    scratch.write("events.csv", "user_id,event,timestamp\nu1,order,2026-01-02\n")
    return (scratch, path)
  }

  // 1. Per-command help.

  @Test(arguments: commands) func helpWinsWhereverItStands(command: String) {
    // Even after other (possibly incomplete) arguments.
    let late = CapturedRun([command, "x.json", "--format", "-h"])
    #expect(late.status == 0)
    #expect(late.out == CapturedRun([command, "--help"]).out)
  }

  @Test func helpListsEveryOptionTheCommandAccepts() {
    // Each option shown in the help is accepted (it is not an unknown option) …
    let report = CapturedRun(["report", "--help"]).out
    for option in ["as-of", "out", "format", "check", "strict", "threads", "quiet", "weekly"] {
      #expect(report.contains("  --\(option)"), "--\(option) missing from report --help")
    }
    // … and an option a command does not list is refused by name.
    let run = CapturedRun(["validate", "x.json", "--weekly"])
    #expect(run.status == 64)
    #expect(run.err.contains("unknown option --weekly"), "\(run.err)")
  }

  @Test func theOverviewNamesEveryCommandAndPointsToItsHelp() {
    let run = CapturedRun(["help"])
    #expect(run.status == 0)
    for command in Self.commands { #expect(run.out.contains("  holdout \(command) "), "\(command)") }
    #expect(run.out.contains("holdout COMMAND --help"))
    #expect(CapturedRun(["help", "frobnicate"]).status == 64)
  }

  // 2. Unknown options, wherever they stand.

  @Test func anUnknownOptionInLastPositionIsNamedWithTheNearestKnownOne() {
    let last = CapturedRun(["report", "x.json", "--quiet", "--bogus"])
    #expect(last.status == 64)
    #expect(last.err.contains("error: unknown option --bogus"), "\(last.err)")
    #expect(!last.err.contains("needs a value"), "\(last.err)")
    #expect(last.err.contains("--as-of, --out, --format"), "\(last.err)")
    #expect(last.err.contains("holdout report --help"), "\(last.err)")

    let typo = CapturedRun(["report", "x.json", "--quite"])
    #expect(typo.err.contains("unknown option --quite; did you mean --quiet?"), "\(typo.err)")
    let prefix = CapturedRun(["inspect", "f.csv", "--sum"])
    #expect(prefix.err.contains("did you mean --summary?"), "\(prefix.err)")
    let dash = CapturedRun(["plan", "-x"])
    #expect(dash.status == 64)
    #expect(dash.err.contains("unknown option -x"), "\(dash.err)")
    let command = CapturedRun(["reprot", "x.json"])
    #expect(command.err.contains("did you mean 'report'?"), "\(command.err)")
  }

  // 3. An empty cohort or arm fails a check and is said at the top.

  @Test func aHeaderOnlyCohortFailsValidationAndTheReportSaysSoAtTheTop() {
    let (_, path) = Self.scratch(cohort: "user_id,entered_at\n")
    let validate = CapturedRun(["validate", path])
    #expect(validate.status == 1, "\(validate.err)")
    #expect(validate.err.contains("checks failed: users"), "\(validate.err)")
    let report = CapturedRun(["report", path])
    #expect(report.status == 0, "\(report.err)")
    let summary = report.out.components(separatedBy: "## Checks")[0]
    #expect(summary.contains("**Warning: no comparison possible**: no user is analysed"), "\(summary)")
    #expect(summary.contains("no data rows"), "\(summary)")
    #expect(!report.out.contains("Every data-quality check passed"))
  }

  /// Without --out, standard output carries one document, as the help says: Markdown by default,
  /// the one --format names, and a list of several is a usage error (the three used to be
  /// printed one after another).
  @Test func withoutOutReportPrintsOneDocument() throws {
    let (_, path) = Self.scratch(cohort: "user_id,entered_at\nu1,2026-01-01\nu2,2026-01-02\n")
    let markdown = CapturedRun(["report", path])
    #expect(markdown.status == 0, "\(markdown.err)")
    #expect(markdown.out.hasPrefix("# Holdout report: "))
    #expect(!markdown.out.contains("<!doctype html>") && !markdown.out.contains("\"experiment\":"))
    let json = CapturedRun(["report", path, "--format", "json"])
    #expect(json.out.hasPrefix("{") && !json.out.contains("# Holdout report"))
    let several = CapturedRun(["report", path, "--format", "md,json"])
    #expect(several.status == 64)
    #expect(several.err.contains("one document"), "\(several.err)")
  }

  @Test func anEmptyArmFailsValidationNamingTheArm() throws {
    // Every user recorded in `sms`: the holdout is empty.
    let (_, path) = Self.scratch(cohort: "user_id,entered_at,arm\nu1,2026-01-01,sms\nu2,2026-01-01,sms\n")
    let json = CapturedRun(["validate", path, "--format", "json"])
    #expect(json.status == 1, "\(json.err)")
    #expect(json.out.contains("arm holdout has no analysed users"), "\(json.out)")
    let html = CapturedRun(["report", path, "--format", "html"])
    #expect(html.out.contains("<strong>No comparison possible</strong>: arm holdout has no analysed users"))
  }

  // 4. Terminal escape and bidi injection.

  static let hostile = "\u{1B}]0;PWNED\u{07}\u{1B}[2J"

  /// True when `text` holds no raw control character but line feeds, and no bidi override.
  static func isInert(_ text: String) -> Bool {
    !text.unicodeScalars.contains { scalar in
      (scalar.value < 0x20 && scalar != "\n") || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
        || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
  }

  @Test func errorMessagesShowControlCharactersFromInputsAsEscapes() {
    let (_, path) = Self.scratch(cohort: "user\(Self.hostile)_id,entered_at\nu1,2026-01-01\n")
    let run = CapturedRun(["report", path])
    #expect(run.status == 65)
    #expect(Self.isInert(run.err), "\(run.err.debugDescription)")
    #expect(run.err.contains("user\\u{1B}]0;PWNED\\u{7}\\u{1B}[2J_id"), "\(run.err)")
    let option = CapturedRun(["report", path, "--\u{1B}[2J"])
    #expect(Self.isInert(option.err), "\(option.err.debugDescription)")
  }

  @Test func inspectShowsANulInAnIdAndAHostileEventAsEscapes() {
    let scratch = Scratch()
    let file = scratch.write(
      "events.csv", "user_id,event,timestamp\nu\u{0}1,order\(Self.hostile)\u{202E}gpj.exe,2026-01-02T00:00:00Z\n")
    let run = CapturedRun(["inspect", file, "--format", "holdout"])
    #expect(run.status == 0, "\(run.err)")
    #expect(Self.isInert(run.out), "\(run.out.debugDescription)")
    #expect(run.out.contains("u\\u{0}1"), "\(run.out)")
    #expect(run.out.contains("\\u{202E}gpj.exe"), "\(run.out)")
  }

  @Test func reportsShowHostileSegmentValuesAsEscapes() throws {
    let cohort = "user_id,entered_at,segment\n" + (1...40).map { "u\($0),2026-01-01,seg\(Self.hostile)\u{202E}x\n" }.joined()
    let config = Self.experiment.replacingOccurrences(of: "\"as_of\"", with: "\"segments\": [\"segment\"], \"as_of\"")
    let (scratch, path) = Self.scratch(cohort: cohort, experiment: config)
    let run = CapturedRun(["report", path, "--out", scratch.path + "/out"])
    #expect(run.status == 0, "\(run.err)")
    for file in ["report.md", "report.html"] {
      let text = try #require(scratch.read("out/" + file))
      #expect(text.contains("seg\\u{1B}]0;PWNED"), "\(file)")
      #expect(Self.isInert(text), "\(file)")
    }
    // JSON keeps the same string, written with \u escapes a JSON reader decodes back.
    let json = try #require(scratch.read("out/report.json"))
    #expect(json.contains("seg\\u001b]0;PWNED\\u0007\\u001b[2J\\u202ex"), "report.json")
    #expect(Self.isInert(json))
  }

  // 5. Error wording names the actual cause and its fix.

  @Test func fileErrorsSayWhatIsWrong() throws {
    let scratch = Scratch()
    let directory = CapturedRun(["validate", scratch.path])
    #expect(directory.status == 66)
    #expect(directory.err.contains("is a directory, not a file"), "\(directory.err)")
    #expect(!directory.err.contains("permissions"), "\(directory.err)")

    let big = scratch.write("big.json", "")
    #expect(truncate(big, 65 << 20) == 0)
    let large = CapturedRun(["validate", big])
    #expect(large.status == 65, "\(large.err)")
    #expect(large.err.contains("larger than the 64 MiB limit for an experiment file"), "\(large.err)")

    let (inputs, path) = Self.scratch(cohort: "user_id,entered_at\nu1,2026-01-01\n")
    inputs.write("blocker", "a file where a directory is needed\n")
    let out = CapturedRun(["report", path, "--out", inputs.path + "/blocker/reports"])
    #expect(out.status == 74, "\(out.err)")
    #expect(out.err.contains("blocker: cannot be written"), "\(out.err)")
    #expect(out.err.contains("a file with that name already exists where a directory is needed"), "\(out.err)")
  }

  // 6. Name limits and all-or-nothing split files.

  @Test func aLongArmNameIsRefusedNamingTheKey() {
    let long = String(repeating: "a", count: 5_000)
    let config = Self.experiment.replacingOccurrences(of: "\"name\": \"sms\"", with: "\"name\": \"\(long)\"")
    let (_, path) = Self.scratch(cohort: "user_id,entered_at\nu1,2026-01-01\n", experiment: config)
    let run = CapturedRun(["assign", path, "--id", "u1"])
    #expect(run.status == 65)
    #expect(run.err.contains("'arms[1].name': is 5000 bytes long; names are limited to 128 bytes"), "\(run.err)")
    let control = Self.experiment.replacingOccurrences(of: "\"name\": \"sms\"", with: "\"name\": \"s\\u001bms\"")
    let (_, escaped) = Self.scratch(cohort: "user_id\n", experiment: control)
    #expect(CapturedRun(["assign", escaped, "--id", "u1"]).err.contains("names must be printable"))
  }

  @Test func splitFilesAreWrittenAllOrNone() throws {
    let (scratch, path) = Self.scratch(cohort: "user_id,entered_at\n")
    let users = scratch.write("users.csv", "user_id\n" + (1...50).map { "u\($0)\n" }.joined())
    // A directory in the way of the second file: nothing may be written.
    let lists = scratch.path + "/lists"
    try FileManager.default.createDirectory(atPath: lists + "/sms.csv", withIntermediateDirectories: true)
    let failed = CapturedRun(["assign", path, "--users", users, "--split", lists])
    #expect(failed.status == 74, "\(failed.err)")
    #expect(failed.err.contains("sms.csv: cannot be written"), "\(failed.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: lists) == ["sms.csv"])
    // A fresh directory that cannot be completed is removed again.
    try FileManager.default.removeItem(atPath: lists + "/sms.csv")
    let ok = CapturedRun(["assign", path, "--users", users, "--split", lists])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: lists).sorted() == ["excluded.csv", "holdout.csv", "sms.csv"])
  }

  // 9. Small ones.

  @Test func inspectShowsWholeRejectionReasons() {
    let scratch = Scratch()
    let file = scratch.write("events.csv", "user_id,event,timestamp\nu1,order,not-a-time\n")
    let run = CapturedRun(["inspect", file, "--format", "holdout"])
    #expect(run.out.contains("(ISO-8601 or Unix epoch seconds/milliseconds/microseconds)"), "\(run.out)")
  }

  @Test func simulateSaysWhatIsWrongWithUsers() {
    let zero = CapturedRun(["simulate", "--users", "0", "--seed", "1", "--out", "/tmp/never"])
    #expect(zero.status == 64)
    #expect(zero.err.contains("--users must be at least 1, got 0"), "\(zero.err)")
    #expect(CapturedRun(["simulate", "--seed", "1", "--out", "/tmp/never"]).err.contains("--users N is required"))
  }

  @Test func anAsOfFarFromEveryEntryWarns() {
    let config = Self.experiment.replacingOccurrences(of: "2026-03-01", with: "9999-12-31")
    let (_, path) = Self.scratch(cohort: "user_id,entered_at\nu1,2026-01-01\nu2,2026-01-01\n", experiment: config)
    let run = CapturedRun(["report", path])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.err.contains("warning: as_of 9999-12-31T00:00:00Z is 2,912,442 days after the last entry"), "\(run.err)")
    let near = CapturedRun(["report", Self.scratch(cohort: "user_id,entered_at\nu1,2026-01-01\n").1])
    #expect(!near.err.contains("warning"), "\(near.err)")
  }
}
