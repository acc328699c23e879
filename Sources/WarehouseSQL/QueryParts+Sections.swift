import Experiment
import Ingest

extension QueryParts {
  /// One output row: the five key columns then the numeric columns by name (the rest empty).
  func row(
    _ section: String, arm: String = "''", metric: String = "''", segment: String = "''", value: String = "''",
    _ numbers: [String: String] = [:], from: String = ""
  ) -> String {
    var columns = ["'\(section)' AS section", "\(arm) AS arm", "\(metric) AS metric", "\(segment) AS segment", "\(value) AS value"]
    for name in AggregateColumns.names.dropFirst(AggregateColumns.firstNumber) {
      columns.append("\(numbers[name].map(text) ?? "''") AS \(name)")
    }
    return "SELECT " + columns.joined(separator: ", ") + (from.isEmpty ? "" : "\n" + from)
  }

  /// `CASE index WHEN 0 THEN 'name0' … END`: a name from an index column.
  func names(_ index: String, _ names: [String]) throws(WarehouseError) -> String {
    var out = "CASE \(index)"
    for (k, name) in names.enumerated() { out += " WHEN \(k) THEN \(try syntax.literal(name))" }
    return out + " END"
  }

  /// `(SELECT 0 AS k UNION ALL SELECT 1 …)`: an index list to cross-join.
  func indexList(_ count: Int, _ name: String) -> String {
    "(" + (0..<count).map { "SELECT \($0) AS \(name)" }.joined(separator: " UNION ALL ") + ")"
  }

  func wide(_ expression: String) -> String { syntax.cast(expression, syntax.wide) }

  /// The six exact sums of (x, p) over the rows where `condition` holds.
  func sums(_ prefix: String, _ condition: String) -> [String: String] {
    func sum(_ e: String) -> String { "COALESCE(SUM(CASE WHEN \(condition) THEN \(e) END), 0)" }
    return [
      prefix + "n": "COALESCE(SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END), 0)",
      prefix + "sum": sum(wide("t.x")), prefix + "sum_squares": sum(wide("t.x") + " * " + wide("t.x")),
      prefix + "pre_sum": sum(wide("t.p")), prefix + "pre_sum_squares": sum(wide("t.p") + " * " + wide("t.p")),
      prefix + "sum_products": sum(wide("t.x") + " * " + wide("t.p")),
    ]
  }

  /// The per-metric sums `columns` of `h_measured`, grouped by arm (and `extra`, a column of
  /// `h_measured` named `seg`): one aggregation per metric k over that metric's maturity, capped
  /// value and pre-period value (`t.mature`, `t.x`, `t.p`), the branches joined by `UNION ALL`,
  /// each row with its `k`. Aggregating each metric's columns in place, rather than first
  /// repeating every user once per metric and grouping by (arm, metric), keeps the rows each
  /// engine groups at one per user, and leaves PostgreSQL no users × metrics rows to sort.
  func perMetric(_ columns: [String: String], extra: String? = nil) -> String {
    let names = columns.keys.sorted()
    let seg = extra.map { ", u.\($0) AS seg" } ?? ""
    let group = extra == nil ? "t.arm" : "t.arm, t.seg"
    return experiment.metrics.indices.map { k in
      let select = names.map { "\(columns[$0]!) AS \($0)" }.joined(separator: ", ")
      return "SELECT \(group), \(k) AS k, \(select) FROM (SELECT u.arm, u.mature_\(k) AS mature, u.x_\(k) AS x, u.p_\(k) AS p, u.first_exposure, u.spend\(seg) FROM h_measured u) t GROUP BY \(group)"
    }.joined(separator: "\nUNION ALL\n")
  }

  /// Every output section, each one SELECT.
  func sections() throws(WarehouseError) -> [String] {
    let armNames = experiment.arms.map(\.name)
    let metricNames = experiment.metrics.map(\.name)
    var out: [String] = []
    let meta: [(String, String)] = [
      ("version", AggregateQuery.formatVersion), ("experiment", experiment.key), ("digest", query.digest),
      ("dialect", syntax.dialect.rawValue), ("as_of", asOf),
    ]
    for (key, value) in meta { out.append(row("meta", metric: "'\(key)'", value: try syntax.literal(value))) }

    let arms = indexList(armNames.count, "arm")
    out.append(row(
      "users", arm: try names("a.arm", armNames),
      ["n": "COUNT(u.user_id)", "exposed_n": "COUNT(u.first_exposure)", "first_entry": "MIN(u.t0)", "last_entry": "MAX(u.t0)"],
      from: "FROM \(arms) a LEFT JOIN h_users u ON u.arm = a.arm GROUP BY a.arm"))

    var metric = sums("", "t.mature = 1").merging(sums("exposed_", "t.mature = 1 AND t.first_exposure IS NOT NULL")) { a, _ in a }
    metric["open"] = "COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0)"
    metric["spend"] = "COALESCE(SUM(CASE WHEN t.mature = 1 THEN \(wide("t.spend")) END), 0)"
    // Every (arm, metric) gets a row, zeros where an arm has no users.
    var filled: [String: String] = [:]
    for name in metric.keys { filled[name] = "COALESCE(s.\(name), 0)" }
    out.append(row(
      "metric", arm: try names("a.arm", armNames), metric: try names("m.k", metricNames), filled,
      from: "FROM \(arms) a CROSS JOIN \(indexList(metricNames.count, "k")) m LEFT JOIN (\n\(perMetric(metric))\n) s ON s.arm = a.arm AND s.k = m.k"))

    for (m, definition) in experiment.metrics.enumerated() {
      if let cap = definition.cap {
        out.append(row("cap", metric: try syntax.literal(definition.name), value: "'\(Decimal.micros(cap))'"))
      } else if definition.capPercentile != nil {
        out.append(row("cap", metric: try syntax.literal(definition.name), value: text("h_cap_\(m).cap"), from: "FROM h_cap_\(m)"))
      }
    }

    for (k, column) in experiment.segments.enumerated() {
      let name = try syntax.literal(column)
      out.append(row("segment_value", segment: name, value: "seg_\(k)", from: "FROM h_cohort GROUP BY seg_\(k)"))
      out.append(row(
        "segment_users", arm: try names("arm", armNames), segment: name, value: "seg_\(k)", ["n": "COUNT(*)"],
        from: "FROM h_users GROUP BY arm, seg_\(k)"))
      var segmentSums: [String: String] = [:]
      for column in sums("", "t.mature = 1").keys { segmentSums[column] = "s.\(column)" }
      out.append(row(
        "segment_metric", arm: try names("s.arm", armNames), metric: try names("s.k", metricNames), segment: name,
        value: "s.seg", segmentSums,
        from: "FROM (\n\(perMetric(sums("", "t.mature = 1"), extra: "seg_\(k)"))\n) s"))
    }

    if hasMessages {
      out.append(row(
        "channel", arm: try names("arm", armNames), value: "first_channel", ["n": "COUNT(*)"],
        from: "FROM h_measured WHERE first_channel IS NOT NULL GROUP BY arm, first_channel"))
    }

    if !experiment.returnEvents.isEmpty {
      let followUp = "CASE WHEN \(asOf) - t0 < \(survivalWindow) THEN \(asOf) - t0 ELSE \(survivalWindow) END"
      // On the experiment's grid (`SurvivalResolution`): a return at the end of its step (at
      // most the window), a censoring at the start of its step; t0 < as_of, so both are > 0.
      let step = experiment.survivalStep
      let up = "CASE WHEN first_return - t0 <= 0 THEN 0 ELSE first_return - t0 - 1 - \(syntax.mod("first_return - t0 - 1", String(step))) + \(step) END"
      let survival = """
        SELECT arm, CASE WHEN first_return IS NOT NULL AND first_return - t0 <= \(followUp) THEN 1 ELSE 0 END AS returned,
          CASE WHEN first_return IS NOT NULL AND first_return - t0 <= \(followUp)
            THEN CASE WHEN \(up) < \(survivalWindow) THEN \(up) ELSE \(survivalWindow) END
            ELSE \(followUp) - \(syntax.mod(followUp, String(step))) END AS days
        FROM h_users
        """
      out.append(row(
        "survival", arm: try names("s.arm", armNames), metric: "CASE WHEN s.returned = 1 THEN 'event' ELSE 'censored' END",
        value: text("s.days"), ["n": "COUNT(*)"], from: "FROM (\(survival)) s GROUP BY s.arm, s.returned, s.days"))
    }

    out.append(contentsOf: accounting())
    if query.weekly { out.append(contentsOf: try weeklySections()) }
    return out
  }

  /// The row accounting per table, and the data-quality counts SQL can make.
  private func accounting() -> [String] {
    var out: [String] = []
    // `h_deduped.role`: 0 for the message rows, 1 for the event rows.
    let roleName = "CASE role WHEN 0 THEN 'messages' ELSE 'events' END"
    let cohortReason = "CASE WHEN user_id IS NULL OR user_id = '' THEN 'empty_user_id' WHEN t0 IS NULL THEN 'bad_timestamp' ELSE 'unknown_arm' END"
    out.append(row(
      "rows", segment: "'cohort'", value: "r.reason", ["n": "COUNT(*)"],
      from: "FROM (SELECT \(cohortReason) AS reason FROM h_cohort_all WHERE valid = 0) r GROUP BY r.reason"))
    out.append(row(
      "rows", segment: "'cohort'", value: "'duplicate_user'", ["n": "COUNT(*)"], from: "FROM h_cohort_all WHERE valid = 1 AND copy > 1"))
    out.append(row("rows", segment: "'cohort'", value: "fate", ["n": "COUNT(*)"], from: "FROM h_cohort GROUP BY fate"))
    let rejection = "CASE fate" + Self.rejections.map { " WHEN \(Self.rejectedFate + $0.0) THEN '\($0.1)'" }.joined() + " END"
    out.append(row(
      "rows", segment: roleName, value: rejection, ["n": "SUM(n)"],
      from: "FROM h_activity WHERE fate > \(Self.rejectedFate) GROUP BY role, fate"))
    let fate = "CASE fate" + Self.fates.map { " WHEN \($0.0) THEN '\($0.1)'" }.joined() + " END"
    out.append(row(
      "rows", segment: roleName, value: fate, ["n": "SUM(n)"], from: "FROM h_activity WHERE fate < \(Self.rejectedFate) GROUP BY role, fate"))
    out.append(row(
      "finding", value: "'users_in_several_arms'",
      ["n": "COALESCE(SUM(CASE WHEN valid = 1 AND copy > 1 AND arm_name <> first_arm THEN 1 ELSE 0 END), 0)"], from: "FROM h_cohort_all"))
    // The guard of the time bounds: entries before `since` need rows the query did not read
    // (always 0 without `since`; every finding row is always written).
    let early = experiment.warehouse.since.map { "valid = 1 AND t0 < \($0)" } ?? "1 = 0"
    out.append(row(
      "finding", value: "'entries_before_since'",
      ["n": "COALESCE(SUM(CASE WHEN \(early) THEN 1 ELSE 0 END), 0)"], from: "FROM h_cohort_all"))
    for (k, finding) in rowFindings.enumerated() {
      out.append(row("finding", value: "'\(finding.name)'", ["n": findingCount(k)], from: "FROM h_activity"))
    }
    return out
  }
}
