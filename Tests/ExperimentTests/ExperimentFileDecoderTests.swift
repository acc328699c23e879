import Experiment
import TestSupport
import Testing

/// The experiment file's decoder, on its own: every invalid file is an `ExperimentError` naming
/// the file, the line and the key path, with what to change (the CLI turns it into exit 65:
/// `ErrorTests`).
@Suite struct ExperimentFileDecoderTests {
  static let valid = """
    {"key": "x", "arms": [{"name": "holdout", "weight": 0.1, "control": true}, {"name": "sms", "weight": 0.9}],
     "inputs": {"cohort": "cohort.csv", "events": "events.csv"}, "as_of": "2026-03-01",
     "metrics": [{"name": "conv", "kind": "conversion", "event": "order", "window_days": 14}]}
    """

  static func load(_ text: String, for purpose: ExperimentFileDecoder.Purpose = .report) throws(ExperimentError)
    -> ExperimentDefinition
  {
    let scratch = Scratch()
    return try ExperimentFileDecoder.load(path: scratch.write("experiment.json", text), for: purpose)
  }

  /// The error decoding `text` gives, recorded as an issue when it names no `message` or when the
  /// file decodes.
  @discardableResult
  static func expectRefused(
    _ text: String, for purpose: ExperimentFileDecoder.Purpose = .report, saying message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> ExperimentError? {
    do {
      _ = try load(text, for: purpose)
      Issue.record("decoded a file that should be refused: \(text)", sourceLocation: sourceLocation)
      return nil
    } catch {
      #expect(error.description.contains(message), "\(error)", sourceLocation: sourceLocation)
      return error
    }
  }

  @Test func aValidFileDecodesIntoItsDefinition() throws {
    let experiment = try Self.load(Self.valid)
    #expect(experiment.key == "x")
    #expect(experiment.arms.map(\.name) == ["holdout", "sms"])
    #expect(experiment.arms.map(\.weight) == [0.1, 0.9])
    #expect(experiment.arms.map(\.isControl) == [true, false])
    #expect(experiment.metrics.map(\.name) == ["conv"])
    #expect(experiment.metrics[0].kind == .conversion)
    #expect(experiment.asOf == 1_772_323_200_000_000)  // 2026-03-01T00:00:00Z
    #expect(experiment.inputs?.cohort.hasSuffix("/cohort.csv") == true)
  }

  @Test(arguments: [
    ("\"window_days\": 14}", "\"window_days\": 14, \"windows\": 3}", "'metrics[0].windows': unknown key"),
    ("\"weight\": 0.9}", "\"weight\": 0.8}", "'arms': weights sum to 0.9"),
    ("\"control\": true}", "\"control\": false}", "exactly one arm needs \"control\": true"),
    ("\"kind\": \"conversion\"", "\"kind\": \"conv\"", "unknown kind 'conv'"),
    ("\"event\": \"order\", ", "", "needs an event"),
    ("\"key\": \"x\", ", "", "'key': missing required key"),
    ("{\"name\": \"sms\", \"weight\": 0.9}", "{\"name\": \"holdout\", \"weight\": 0.9}", "listed twice"),
    ("\"as_of\": \"2026-03-01\"", "\"as_of\": \"soon\"", "'as_of': 'soon' is not a timestamp"),
  ])
  func anInvalidFileIsAnErrorNamingFileLineAndKey(find: String, replace: String, message: String) {
    let text = Self.valid.replacingOccurrences(of: find, with: replace)
    #expect(text != Self.valid)
    let error = Self.expectRefused(text, saying: message)
    #expect(error?.description.contains("experiment.json:") == true, "\(String(describing: error))")
    if case .invalidExperiment(_, let line, _, _) = error { #expect(line >= 1) }
  }

  /// `analysis.compare` lists comparisons between treatment arms, each once: an arm against the
  /// control again (it is compared already) or a pair listed twice, in either direction, would be
  /// reported twice and counted twice in the Holm family.
  @Test(arguments: [
    (#"[{"arm": "sms", "against": "holdout"}]"#, "already compared with the control 'holdout'"),
    (#"[{"arm": "holdout", "against": "sms"}]"#, "already compared with the control 'holdout'"),
    (#"[{"arm": "email", "against": "sms"}, {"arm": "email", "against": "sms"}]"#, "twice"),
    (#"[{"arm": "email", "against": "sms"}, {"arm": "sms", "against": "email"}]"#, "twice"),
  ])
  func aRepeatedComparisonIsRefused(compare: String, message: String) {
    let text = """
      {"key": "x", "arms": [{"name": "holdout", "weight": 0.2, "control": true}, {"name": "sms", "weight": 0.4},
        {"name": "email", "weight": 0.4}], "analysis": {"compare": \(compare)}}
      """
    Self.expectRefused(text, for: .assignment, saying: message)
    let once = text.replacingOccurrences(of: compare, with: #"[{"arm": "email", "against": "sms"}]"#)
    #expect((try? Self.load(once, for: .assignment)) != nil)
  }

  /// Errors say what is wrong with this file, not only what would be right.
  @Test(arguments: [
    ("\"as_of\": \"2026-03-01\"", "\"as_of\": \"1772323200000000000\"", "an epoch number of 19 digits is beyond microseconds"),
    ("\"as_of\": \"2026-03-01\"", "\"as_of\": \"2026-02-30\"", "day 30 is not in 2026-02 (28 days)"),
    ("\"as_of\": \"2026-03-01\"", "\"as_of\": \"2026-03-01T24:00:00Z\"", "hour 24 is not between 00 and 23"),
    ("\"event\": \"order\"", "\"event\": [\"order\", \"refund\"]", "for several, use \"events\": [...]"),
    ("\"cohort\": \"cohort.csv\", \"events\": \"events.csv\"", "\"cohort\": \"-\", \"events\": \"-\"", "more than one input reads standard input"),
  ])
  func errorsSayWhatIsWrongWithThisFile(find: String, replace: String, message: String) {
    let text = Self.valid.replacingOccurrences(of: find, with: replace)
    #expect(text != Self.valid)
    Self.expectRefused(text, saying: message)
  }

  @Test func malformedJSONNamesTheLine() {
    Self.expectRefused("{\"key\": \"x\",\n  \"arms\": [}", saying: "experiment.json:2:")
  }

  @Test func anExperimentWithoutInputsOrMetricsDecodesForAssignment() throws {
    let assignmentOnly = """
      {"key": "x", "arms": [{"name": "holdout", "weight": 0.1, "control": true}, {"name": "sms", "weight": 0.9}]}
      """
    let experiment = try Self.load(assignmentOnly, for: .assignment)
    #expect(experiment.inputs == nil)
    #expect(experiment.arms.count == 2)
  }
}
