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
}
