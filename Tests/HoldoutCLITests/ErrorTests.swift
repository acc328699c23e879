import HoldoutCLI
import TestSupport
import Testing

/// Bad input gets `error: <what, where, how to fix>` and a sysexits code, never a crash.
@Suite struct ErrorTests {
  static let valid = """
    {"key": "x", "arms": [{"name": "holdout", "weight": 0.1, "control": true}, {"name": "sms", "weight": 0.9}],
     "inputs": {"cohort": "cohort.csv", "events": "events.csv"}, "as_of": "2026-03-01",
     "metrics": [{"name": "conv", "kind": "conversion", "event": "order", "window_days": 14}]}
    """

  static func run(config: String, extra: [String] = []) -> CapturedRun {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", config)
    scratch.write("cohort.csv", "user_id,entered_at\nu1,2026-01-01\nu2,bad\n")
    scratch.write("events.csv", "user_id,event,timestamp\nu1,order,2026-01-02\n")
    return CapturedRun(["report", path] + extra)
  }

  // Every decoder error and its words: ExperimentFileDecoderTests. Here: the CLI's exit code.
  @Test(arguments: [
    ("\"kind\": \"conversion\"", "\"kind\": \"conv\"", "unknown kind 'conv'"),
    ("\"as_of\": \"2026-03-01\"", "\"as_of\": \"soon\"", "'as_of': 'soon' is not a timestamp"),
  ])
  func invalidExperimentFilesExit65NamingKeyAndFile(find: String, replace: String, message: String) {
    let config = Self.valid.replacingOccurrences(of: find, with: replace)
    #expect(config != Self.valid)
    let run = Self.run(config: config)
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.hasPrefix("error: "))
    #expect(run.err.contains("experiment.json:"), "\(run.err)")
    #expect(run.err.contains(message), "\(run.err)")
  }

  @Test func malformedJSONSaysWhere() {
    let run = Self.run(config: "{\"key\": \"x\",\n  \"arms\": [}")
    #expect(run.status == 65)
    #expect(run.err.contains("experiment.json:2:"), "\(run.err)")
  }

  @Test func missingInputsExit66() {
    let run = CapturedRun(["report", "/nonexistent/experiment.json"])
    #expect(run.status == 66)
    #expect(run.err.contains("/nonexistent/experiment.json: no such file"))
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.valid)
    let missingCohort = CapturedRun(["report", path])
    #expect(missingCohort.status == 66)
    #expect(missingCohort.err.contains("cohort.csv: no such file"))
  }

  @Test func usageErrorsExit64() {
    #expect(CapturedRun([]).status == 64)
    #expect(CapturedRun(["frobnicate"]).status == 64)
    #expect(CapturedRun(["report"]).status == 64)
    #expect(CapturedRun(["report", "x.json", "--bogus", "1"]).status == 64)
    #expect(CapturedRun(["report", "x.json", "--format", "pdf"]).status == 64)
    #expect(CapturedRun(["simulate", "--users", "-3", "--seed", "1", "--out", "/tmp/x"]).status == 64)
    #expect(CapturedRun(["assign", "x.json"]).status == 64)
  }

  @Test func strictMakesTheFirstBadRowFatalWithFileAndLine() {
    let lenient = Self.run(config: Self.valid)
    #expect(lenient.status == 0, "\(lenient.err)")
    let strict = Self.run(config: Self.valid, extra: ["--strict"])
    #expect(strict.status == 65)
    #expect(strict.err.contains("cohort.csv:3: entered_at 'bad' is not a timestamp"), "\(strict.err)")
  }

  @Test func missingColumnNamesFileAndHeader() {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", Self.valid)
    scratch.write("cohort.csv", "id,entered_at\nu1,2026-01-01\n")
    scratch.write("events.csv", "user_id,event,timestamp\n")
    let run = CapturedRun(["report", path])
    #expect(run.status == 65)
    #expect(run.err.contains("cohort.csv:1: missing column 'user_id' (header has: id,entered_at)"), "\(run.err)")
  }
}

/// Numbers and names that used to crash or pass silently.
@Suite struct HardeningTests {
  @Test func absurdHashVersionIsADataError() {
    let config = ErrorTests.valid.replacingOccurrences(of: "\"key\": \"x\",", with: "\"key\": \"x\", \"hash_version\": 1e30,")
    let run = ErrorTests.run(config: config)
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.contains("'hash_version': must be 2"), "\(run.err)")
  }

  @Test func tooManyArmsIsADataError() {
    let arms = (0..<101).map { "{\"name\": \"a\($0)\", \"weight\": \(1.0 / 101)\($0 == 0 ? ", \"control\": true" : "")}" }
    let config = ErrorTests.valid.replacingOccurrences(
      of: "[{\"name\": \"holdout\", \"weight\": 0.1, \"control\": true}, {\"name\": \"sms\", \"weight\": 0.9}]",
      with: "[" + arms.joined(separator: ",") + "]")
    let run = ErrorTests.run(config: config)
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.contains("at most 100 are supported"), "\(run.err)")
  }

  @Test func emptyFormatIsAUsageError() {
    let run = ErrorTests.run(config: ErrorTests.valid, extra: ["--check", "--out", "/tmp", "--format", ""])
    #expect(run.status == 64, "\(run.err)")
    #expect(run.err.contains("unknown format ''"), "\(run.err)")
  }

  @Test func splitFilesThatWouldCollideAreRefused() {
    let scratch = Scratch()
    let path = scratch.write(
      "experiment.json",
      "{\"key\": \"x\", \"arms\": [{\"name\": \"a b\", \"weight\": 0.5, \"control\": true}, {\"name\": \"a/b\", \"weight\": 0.5}]}")
    let users = scratch.write("users.csv", "user_id\nu1\n")
    let run = CapturedRun(["assign", path, "--users", users, "--split", scratch.path + "/out"])
    #expect(run.status == 64, "\(run.err)")
    #expect(run.err.contains("same file 'a_b.csv'"), "\(run.err)")
  }
}
