import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// `holdout report --weekly`: one row per week, each identical to the report as of that week.
@Suite struct WeeklyHistoryTests {
  static let experiment = TestPaths.repository("fixtures/winback/experiment.json")

  static func json(_ arguments: [String]) throws -> [String: Any] {
    let run = CapturedRun(["report", experiment, "--format", "json"] + arguments)
    #expect(run.status == 0, "\(run.err)")
    return try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
  }

  /// The primary comparisons' relative estimates of a report object, as text.
  static func primaries(_ report: [String: Any]) -> [String] {
    let metrics = report["metrics"] as? [[String: Any]] ?? []
    return metrics.filter { $0["role"] as? String == "primary" }.flatMap { metric in
      (metric["comparisons"] as? [[String: Any]] ?? []).map { c in
        "\(metric["name"]!) \(c["arm"]!) \(Self.estimate(c))"
      }
    }
  }

  /// A comparison's relative estimate as text ("none" when absent or null).
  static func estimate(_ comparison: [String: Any]) -> String {
    guard let value = (comparison["relative"] as? [String: Any])?["estimate"] as? Double else { return "none" }
    return "\(value)"
  }

  @Test func everyWeekEqualsTheReportAsOfThatWeek() throws {
    let weekly = try Self.json(["--as-of", "2026-09-27T00:00:00Z", "--weekly"])
    let history = try #require(weekly["history"] as? [[String: Any]])
    #expect(history.map { $0["as_of"] as? String } == [
      "2026-08-30T00:00:00Z", "2026-09-06T00:00:00Z", "2026-09-13T00:00:00Z", "2026-09-20T00:00:00Z",
      "2026-09-27T00:00:00Z",
    ])
    for row in history {
      let asOf = try #require(row["as_of"] as? String)
      let alone = try Self.json(["--as-of", asOf])
      let rowLifts = (row["comparisons"] as? [[String: Any]] ?? []).map { c in
        "\(c["metric"]!) \(c["arm"]!) \(Self.estimate(c))"
      }
      #expect(rowLifts == Self.primaries(alone), "week ending \(asOf)")
      let users = (alone["arms"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["users"] as? Int ?? 0) }
      #expect(row["users"] as? Int == users)
    }
    // Without --weekly the report has no history key (committed snapshots are unchanged).
    #expect(try Self.json(["--as-of", "2026-09-27T00:00:00Z"])["history"] == nil)
  }

  /// A row that would push a user's total past the per-user bound is rejected or not depending
  /// on the rows before the cutoff, so then every week is measured afresh (the path the one-read
  /// history cannot take): its rows still equal the `--as-of` reports of their cutoffs.
  @Test func weeksAreReadAfreshWhenARowHitTheUserBound() throws {
    let scratch = Scratch("holdout-weekly-bound")
    let experiment = scratch.write(
      "experiment.json",
      """
      {
        "key": "bound", "as_of": "2026-02-01T00:00:00Z",
        "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
        "inputs": {"cohort": "cohort.csv", "events": "events.csv"},
        "metrics": [
          {"name": "conv", "kind": "conversion", "event": "order", "window_days": 7, "role": "primary"},
          {"name": "rev", "kind": "revenue", "event": "order", "window_days": 30, "role": "secondary"}
        ]
      }
      """)
    scratch.write(
      "cohort.csv",
      "user_id,entered_at,arm\nu1,2026-01-01T00:00:00Z,holdout\nu2,2026-01-01T00:00:00Z,sms\n"
        + "u3,2026-01-09T00:00:00Z,holdout\nu4,2026-01-09T00:00:00Z,sms\n")
    scratch.write(
      "events.csv",
      """
      user_id,event,timestamp,value,event_id
      u1,order,2026-01-02T00:00:00Z,999999999,e1
      u1,order,2026-01-20T00:00:00Z,2,e2
      u2,order,2026-01-03T00:00:00Z,5,e3
      u4,order,2026-01-10T00:00:00Z,7,e4

      """)
    func json(_ arguments: [String]) throws -> [String: Any] {
      let run = CapturedRun(["report", experiment, "--format", "json"] + arguments)
      #expect(run.status == 0, "\(run.err)")
      return try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
    }
    let weekly = try json(["--weekly"])
    let history = try #require(weekly["history"] as? [[String: Any]])
    #expect(history.count == 5)
    for row in history {
      let asOf = try #require(row["as_of"] as? String)
      let alone = try json(["--as-of", asOf])
      let rowLifts = (row["comparisons"] as? [[String: Any]] ?? []).map { c in
        "\(c["metric"]!) \(c["arm"]!) \(Self.estimate(c))"
      }
      #expect(rowLifts == Self.primaries(alone), "week ending \(asOf)")
      let users = (alone["arms"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["users"] as? Int ?? 0) }
      #expect(row["users"] as? Int == users, "week ending \(asOf)")
    }
    // The bound was hit in the full read (e2 takes u1 past 10⁹ in `rev`), so the fallback ran.
    let files = (weekly["data"] as? [String: Any])?["files"] as? [[String: Any]] ?? []
    let rejected = files.compactMap { $0["rejected_by_reason"] as? [String: Any] }
    #expect(rejected.contains { ($0["value_out_of_range"] as? Int ?? 0) == 1 }, "\(rejected)")
  }
}
