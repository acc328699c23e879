import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// `holdout validate`: every check on the fixtures, and each planted problem failing its check
/// with exit 1.
@Suite struct ValidateTests {
  @Test func theWinbackFixturePassesEveryCheckThatApplies() {
    let run = CapturedRun(["validate", TestPaths.repository("fixtures/winback/experiment.json")])
    #expect(run.status == 0, "\(run.out)\(run.err)")
    #expect(run.out.contains("| pass | Holdout users were not reached by the journey | 5 of 1,605 holdout users reached (0.31%) | at most 1.00% |"))
    #expect(run.out.contains("| n/a | The platform's holdout markers are all in the control arm |"))
    #expect(run.err.contains("every check passed"))
  }

  /// A past week's validation (`--as-of` before the experiment file's `as_of`) does not call the
  /// later rows implausible: they are simply after that week (before the fix, every row more
  /// than 30 days after 2026-09-01 failed `implausible_dates`). A date far past the file's own
  /// `as_of` still does.
  @Test func anEarlierAsOfDoesNotMakeLaterRowsImplausible() throws {
    let run = CapturedRun([
      "validate", TestPaths.repository("fixtures/winback/experiment.json"), "--as-of", "2026-09-01", "--format", "json",
    ])
    let root = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
    let checks = try #require((root?["checks"] as? [String: Any])?["checks"] as? [[String: Any]])
    let dates = try #require(checks.first { $0["key"] as? String == "implausible_dates" })
    #expect(dates["status"] as? String == "pass", "\(dates)")
    #expect(dates["measured"] as? String == "0 before 2000, 0 in the future of as_of", "\(dates)")
  }

  static let experiment = """
    {
      "key": "tiny", "as_of": "2026-03-01T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
      "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "events.csv"},
      "exposure": ["sms_delivered"],
      "metrics": [{"name": "ordered", "kind": "conversion", "event": "order", "window_days": 14}],
      "validation": {"max_contamination": 0.2, "max_split_disagreement": 1}
    }
    """

  /// Eight users; `holdout` users h1–h4 and `sms` users s1–s4 (recorded arms).
  static func run(messages: String, events: String = "user_id,event,timestamp\n", cohortExtra: String = "", format: String = "md")
    -> CapturedRun
  {
    let scratch = Scratch()
    var cohort = "user_id,entered_at,arm\n"
    for i in 1...4 { cohort += "h\(i),2026-01-10T00:00:00Z,holdout\ns\(i),2026-01-10T00:00:00Z,sms\n" }
    scratch.write("cohort.csv", cohort + cohortExtra)
    scratch.write("messages.csv", messages)
    scratch.write("events.csv", events)
    let path = scratch.write("experiment.json", experiment)
    return CapturedRun(["validate", path, "--format", format])
  }

  static let reached = (1...4).map { "s\($0),sms_delivered,2026-01-10T01:00:00Z,sms,m\($0)\n" }.joined()

  @Test func aContaminatedHoldoutFailsWithExitOne() throws {
    // One of four holdout users reached: 25% > the file's 20% threshold.
    let run = Self.run(messages: "user_id,event,timestamp,channel,message_id\n" + Self.reached + "h1,sms_delivered,2026-01-10T01:00:00Z,sms,m9\n", format: "json")
    #expect(run.status == 1)
    let root = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
    let checks = try #require((root?["checks"] as? [String: Any])?["checks"] as? [[String: Any]])
    let contamination = try #require(checks.first { $0["key"] as? String == "contamination" })
    #expect(contamination["status"] as? String == "fail")
    #expect(contamination["measured"] as? String == "1 of 4 holdout users reached (25.00%)")
    #expect(run.err.contains("1 of 14 checks failed: contamination"))
  }

  @Test func usersInSeveralArmsAndImplausibleDatesFail() {
    let run = Self.run(
      messages: "user_id,event,timestamp,channel,message_id\n" + Self.reached,
      events: "user_id,event,timestamp\ns1,order,1970-01-02T00:00:00Z\n",
      cohortExtra: "h2,2026-01-10T00:00:00Z,sms\n")
    #expect(run.status == 1)
    #expect(run.out.contains("| **fail** | No user is listed in several arms | 1 users listed with different arms | none |"))
    #expect(run.out.contains("- user h2: holdout, then sms"))
    #expect(run.out.contains("| **fail** | No event is dated before 2000-01-01 or more than 30 days after as\\_of | 1 before 2000, 0 in the future of as\\_of |"))
  }

  @Test func unreachedTreatmentFailsTheExposureCheck() {
    let run = Self.run(messages: "user_id,event,timestamp,channel,message_id\ns1,sms_delivered,2026-01-10T01:00:00Z,sms,m1\n")
    #expect(run.status == 1)
    #expect(run.out.contains("| **fail** | Treatment users were reached (exposure rate) | lowest reach: sms 25.00% |"))
  }

  @Test func badThresholdsAreConfigurationErrors() {
    let scratch = Scratch()
    let path = scratch.write(
      "experiment.json", Self.experiment.replacingOccurrences(of: "\"max_contamination\": 0.2", with: "\"max_contamination\": 2"))
    let run = CapturedRun(["validate", path])
    #expect(run.status == 65)
    #expect(run.err.contains("'validation.max_contamination': must be a share between 0 and 1, got 2"))
  }
}

/// Customer.io's holdout trap deliveries are named where they could explain contamination.
@Suite struct TrapDeliveryTests {
  @Test func contaminationFromCustomerIOMentionsTrapDeliveries() {
    let scratch = Scratch()
    scratch.write("cohort.csv", "user_id,entered_at,arm\nh1,2026-01-10T00:00:00Z,holdout\ns1,2026-01-10T00:00:00Z,sms\n")
    scratch.write("events.csv", "user_id,event,timestamp\n")
    scratch.write(
      "webhooks.jsonl",
      #"{"event_id":"E1","object_type":"email","metric":"delivered","timestamp":1768006800,"data":{"identifiers":{"id":"h1"}}}"# + "\n"
        + #"{"event_id":"E2","object_type":"email","metric":"delivered","timestamp":1768006800,"data":{"identifiers":{"id":"s1"}}}"# + "\n")
    let path = scratch.write(
      "experiment.json",
      """
      {"key": "trap", "as_of": "2026-03-01T00:00:00Z",
       "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
       "inputs": {"cohort": "cohort.csv", "messages": {"path": "webhooks.jsonl", "format": "customerio"}, "events": "events.csv"},
       "exposure": ["email_delivered"],
       "metrics": [{"name": "ordered", "kind": "conversion", "event": "order", "window_days": 14}],
       "validation": {"max_split_disagreement": 1}}
      """)
    let run = CapturedRun(["validate", path])
    #expect(run.status == 1)
    #expect(run.out.contains("1 of 1 holdout users reached (100.00%); with Customer.io these may be trap deliveries"))
  }
}
