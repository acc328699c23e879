import Experiment
import Ingest

extension QueryParts {
  /// One week in microseconds.
  private static let week: Int64 = 7 * 86_400_000_000

  /// The metrics whose weekly sums are cumulative (`h_week_sum_<m>`): all but those capped at a
  /// percentile, whose cap is pooled over the users measured at each cutoff and so changes with it.
  private var cumulativeMetrics: [Int] { experiment.metrics.indices.filter { !isCappedPerCutoff($0) } }

  /// The metrics capped at a percentile (and at no fixed cap): summed per user and cutoff.
  private var percentileMetrics: [Int] { experiment.metrics.indices.filter(isCappedPerCutoff) }

  private func isCappedPerCutoff(_ m: Int) -> Bool {
    experiment.metrics[m].capPercentile != nil && experiment.metrics[m].cap == nil
  }

  /// The weekly cutoffs and the per-cutoff statistics the report's history needs
  /// (`holdout sql --weekly`), in the same query.
  ///
  /// The cutoffs are `WeeklyHistory.cutoffs` before `as_of`: the UTC midnight of the first
  /// analysed entry plus 7, 14, … days, while before `as_of` (at most 1,000 weeks; the reader
  /// checks that every expected cutoff came back). At a cutoff c the analysed users are those
  /// who entered before c, and a metric measures those whose window ended by c. A measured
  /// user's value does not depend on c: every row in its window, and its pre-period, is before c.
  ///
  /// So each user is counted once, at the first cutoff it is analysed at (`h_week_users`) and, per
  /// metric, at the first cutoff it is measured at (`h_week_sum_<m>`), and a cutoff's counts and
  /// sums are those of every earlier-or-equal first cutoff: users × metrics rows, not users ×
  /// cutoffs × metrics. The first cutoff at or after an instant i is `start + ⌈(i − start) / 7d⌉ ×
  /// 7d`, written with `MOD` only (no division, whose type differs by engine). A metric capped at
  /// a percentile has a cap per cutoff (pooled over the users measured there), so it is summed
  /// over users × cutoffs (`h_weeks`), as before.
  func weeklyTables() -> [CommonTable] {
    let week = Self.week
    let digits = "(" + (0...9).map { "SELECT \($0) AS d" }.joined(separator: " UNION ALL ") + ")"
    let offset = "(a.d * 100 + b.d * 10 + c.d + 1) * \(week)"
    var tables = [
      CommonTable("h_week_start", """
        SELECT MIN(t0) - \(syntax.mod("MIN(t0)", "86400000000")) AS start FROM h_users
      """),
      CommonTable("h_cutoffs", """
        SELECT s.start + \(offset) AS cutoff
        FROM h_week_start s
          CROSS JOIN \(digits) a CROSS JOIN \(digits) b CROSS JOIN \(digits) c
        WHERE s.start + \(offset) < \(asOf)
      """),
      // Analysed at c ⇔ t0 < c: the first cutoff after t0.
      cumulative(
        name: "h_week_users", at: firstCutoff(after: "u.t0", inclusive: false), columns: [], sums: ["n": "COUNT(*)"]),
    ]
    for m in cumulativeMetrics {
      // Measured at c ⇔ t0 + end ≤ c (and analysed, t0 < c: the end is at least 1 µs).
      let end = max(windows[m].end, 1)
      let (x, p) = cappedValues(m)
      tables.append(
        cumulative(
          name: "h_week_sum_\(m)", at: firstCutoff(after: "u.t0 + \(end)", inclusive: true), columns: ["\(x) AS x", "\(p) AS p"],
          sums: [
            "n": "COUNT(*)", "s": "SUM(\(wide("x")))", "ss": "SUM(\(wide("x")) * \(wide("x")))", "ps": "SUM(\(wide("p")))",
            "pss": "SUM(\(wide("p")) * \(wide("p")))", "sp": "SUM(\(wide("x")) * \(wide("p")))",
          ]))
    }
    let percentile = percentileMetrics
    guard !percentile.isEmpty else { return tables }
    tables.append(CommonTable("h_weeks", """
        SELECT u.*, w.cutoff FROM h_users u JOIN h_cutoffs w ON u.t0 < w.cutoff
      """))
    for m in percentile {
      tables.append(percentileCap(
        name: "h_week_cap_\(m)", level: experiment.metrics[m].capPercentile!, value: "post_\(m)", from: "h_weeks",
        mature: "t0 + \(windows[m].end) <= cutoff", partition: "cutoff"))
    }
    return tables
  }

  /// The first cutoff at or after (`inclusive`) or after `instant`, an expression over `u` (a
  /// row of `h_users`) and `s` (`h_week_start`): `start + d + (7d − d mod 7d) mod 7d` for the
  /// first at or after (d = instant − start ≥ 0), and `start + d − d mod 7d + 7d` for the first
  /// strictly after.
  private func firstCutoff(after instant: String, inclusive: Bool) -> String {
    let d = "(\(instant) - s.start)"
    let week = String(Self.week)
    if inclusive { return "s.start + \(d) + \(syntax.mod("\(week) - \(syntax.mod(d, week))", week))" }
    return "s.start + \(d) - \(syntax.mod(d, week)) + \(week)"
  }

  /// A metric's value and pre-period value per user, under its fixed cap if any.
  private func cappedValues(_ m: Int) -> (String, String) {
    guard let cap = fixedCap(m) else { return ("u.post_\(m)", "u.pre_\(m)") }
    return (capped("u.post_\(m)", at: cap), capped("u.pre_\(m)", at: cap))
  }

  /// Per (cutoff, arm): the sums `sums` over the users whose first cutoff `at` is at or before
  /// the cutoff. The users are first grouped by (arm, at): a few rows per arm and week, joined to
  /// the cutoffs.
  private func cumulative(name: String, at: String, columns: [String], sums: [String: String]) -> CommonTable {
    let names = sums.keys.sorted()
    let inner = (["u.arm AS arm", "\(at) AS at"] + columns).joined(separator: ", ")
    return CommonTable(name, """
        SELECT w.cutoff AS cutoff, g.arm AS arm, \(names.map { "SUM(g.\($0)) AS \($0)" }.joined(separator: ", "))
        FROM h_cutoffs w JOIN (
          SELECT t.arm, t.at, \(names.map { "\(sums[$0]!) AS \($0)" }.joined(separator: ", "))
          FROM (SELECT \(inner) FROM h_users u CROSS JOIN h_week_start s) t
          GROUP BY t.arm, t.at
        ) g ON g.at <= w.cutoff
        GROUP BY w.cutoff, g.arm
      """)
  }

  /// The `weekly_users` and `weekly_metric` sections.
  func weeklySections() throws(WarehouseError) -> [String] {
    let armNames = experiment.arms.map(\.name)
    let metricNames = experiment.metrics.map(\.name)
    var out = [
      row("weekly_users", arm: try names("arm", armNames), value: text("cutoff"), ["n": "n"], from: "FROM h_week_users")
    ]
    for m in cumulativeMetrics {
      func sum(_ column: String) -> String { "COALESCE(t.\(column), 0)" }
      out.append(
        row(
          "weekly_metric", arm: try names("a.arm", armNames), metric: try syntax.literal(metricNames[m]), value: text("a.cutoff"),
          [
            "n": sum("n"), "sum": sum("s"), "sum_squares": sum("ss"), "pre_sum": sum("ps"), "pre_sum_squares": sum("pss"),
            "sum_products": sum("sp"), "open": "a.n - COALESCE(t.n, 0)",
          ],
          from: "FROM h_week_users a LEFT JOIN h_week_sum_\(m) t ON t.cutoff = a.cutoff AND t.arm = a.arm"))
    }
    let percentile = percentileMetrics
    guard !percentile.isEmpty else { return out }
    var joins = ""
    var pickX = "CASE k.k", pickP = "CASE k.k", pickMature = "CASE k.k"
    for m in percentile {
      joins += " LEFT JOIN h_week_cap_\(m) ON h_week_cap_\(m).cutoff = w.cutoff"
      let cap = "h_week_cap_\(m).cap"
      pickX += " WHEN \(m) THEN \(capped("w.post_\(m)", at: cap))"
      pickP += " WHEN \(m) THEN \(capped("w.pre_\(m)", at: cap))"
      pickMature += " WHEN \(m) THEN CASE WHEN w.t0 + \(windows[m].end) <= w.cutoff THEN 1 ELSE 0 END"
    }
    let keys = "(" + percentile.map { "SELECT \($0) AS k" }.joined(separator: " UNION ALL ") + ")"
    // `AS cutoff`: beside a joined cap table's `cutoff`, ClickHouse names the bare `w.cutoff` column `w.cutoff`.
    let unpivoted = "SELECT w.cutoff AS cutoff, w.arm, k.k, \(pickMature) END AS mature, \(pickX) END AS x, \(pickP) END AS p FROM h_weeks w CROSS JOIN \(keys) k\(joins)"
    var metric = sums("", "t.mature = 1")
    metric["open"] = "COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0)"
    out.append(
      row(
        "weekly_metric", arm: try names("t.arm", armNames), metric: try names("t.k", metricNames),
        value: text("t.cutoff"), metric, from: "FROM (\(unpivoted)) t GROUP BY t.cutoff, t.arm, t.k"))
    return out
  }
}
