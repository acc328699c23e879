import Experiment
import Ingest

extension QueryParts {
  /// The weekly cutoffs and the per-cutoff statistics the report's history needs
  /// (`holdout sql --weekly`), in the same query.
  ///
  /// The cutoffs are `WeeklyHistory.cutoffs` before `as_of`: the UTC midnight of the first
  /// analysed entry plus 7, 14, … days, while before `as_of` (at most 1,000 weeks; the reader
  /// checks that every expected cutoff came back). At a cutoff c the analysed users are those
  /// who entered before c, and a metric measures those whose window ended by c. A measured
  /// user's value does not depend on c: every row in its window, and its pre-period, is before c.
  /// So the per-user values are computed once, and only maturity and the percentile caps (pooled
  /// over the users measured at c) are per cutoff.
  func weeklyTables() -> [CommonTable] {
    let week: Int64 = 7 * 86_400_000_000
    let digits = "(" + (0...9).map { "SELECT \($0) AS d" }.joined(separator: " UNION ALL ") + ")"
    let offset = "(a.d * 100 + b.d * 10 + c.d + 1) * \(week)"
    var tables = [
      CommonTable("h_cutoffs", """
        SELECT s.start + \(offset) AS cutoff
        FROM (SELECT MIN(t0) - \(syntax.mod("MIN(t0)", "86400000000")) AS start FROM h_users) s
          CROSS JOIN \(digits) a CROSS JOIN \(digits) b CROSS JOIN \(digits) c
        WHERE s.start + \(offset) < \(asOf)
      """),
      CommonTable("h_weeks", """
        SELECT u.*, w.cutoff FROM h_users u JOIN h_cutoffs w ON u.t0 < w.cutoff
      """),
    ]
    for (m, metric) in experiment.metrics.enumerated() {
      guard let level = metric.capPercentile, metric.cap == nil else { continue }
      tables.append(percentileCap(
        name: "h_week_cap_\(m)", level: level, value: "post_\(m)", from: "h_weeks", mature: "t0 + \(windows[m].end) <= cutoff",
        partition: "cutoff"))
    }
    return tables
  }

  /// The `weekly_users` and `weekly_metric` sections.
  func weeklySections() throws(WarehouseError) -> [String] {
    let armNames = experiment.arms.map(\.name)
    let count = experiment.metrics.count
    var joins = ""
    var pickX = "CASE k.k", pickP = "CASE k.k", pickMature = "CASE k.k"
    for (m, metric) in experiment.metrics.enumerated() {
      var cap: String? = nil
      if let fixed = metric.cap {
        cap = String(Decimal.micros(fixed))
      } else if metric.capPercentile != nil {
        joins += " LEFT JOIN h_week_cap_\(m) ON h_week_cap_\(m).cutoff = w.cutoff"
        cap = "h_week_cap_\(m).cap"
      }
      func capped(_ column: String) -> String {
        guard let cap else { return "w.\(column)" }
        return "CASE WHEN w.\(column) < \(cap) THEN w.\(column) ELSE \(cap) END"
      }
      pickX += " WHEN \(m) THEN \(capped("post_\(m)"))"
      pickP += " WHEN \(m) THEN \(capped("pre_\(m)"))"
      pickMature += " WHEN \(m) THEN CASE WHEN w.t0 + \(windows[m].end) <= w.cutoff THEN 1 ELSE 0 END"
    }
    // `AS cutoff`: beside a joined cap table's `cutoff`, ClickHouse names the bare `w.cutoff` column `w.cutoff`.
    let unpivoted = "SELECT w.cutoff AS cutoff, w.arm, k.k, \(pickMature) END AS mature, \(pickX) END AS x, \(pickP) END AS p FROM h_weeks w CROSS JOIN \(indexList(count, "k")) k\(joins)"
    var metric = sums("", "t.mature = 1")
    metric["open"] = "COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0)"
    return [
      row("weekly_users", arm: try names("arm", armNames), value: text("cutoff"), ["n": "COUNT(*)"], from: "FROM h_weeks GROUP BY cutoff, arm"),
      row(
        "weekly_metric", arm: try names("t.arm", armNames), metric: try names("t.k", experiment.metrics.map(\.name)),
        value: text("t.cutoff"), metric, from: "FROM (\(unpivoted)) t GROUP BY t.cutoff, t.arm, t.k"),
    ]
  }
}
