import Ingest
import Experiment

extension QueryParts {
  /// The condition that a row of `h_activity`'s input is an exposure after entry.
  private var exposure: String { "x.role = 'messages' AND \(isIn("x.event", exposureEvents)) AND x.off >= 0" }

  /// The data-quality findings counted over the message and event rows, each a condition on one
  /// row of `h_activity`'s input (`x`): its code, copy, time, user's fate, offset and value.
  var rowFindings: [(name: String, condition: String)] {
    let reached = "x.copy = 1 AND x.ts < \(asOf) AND x.member_fate = 'used' AND x.role = 'messages' AND \(isIn("x.event", exposureEvents))"
    let revenue = experiment.metrics.enumerated().filter { $0.element.kind == .revenue }.map { m, _ in
      "(\(isIn("x.event", metricEvents[m])) AND ((x.off >= \(windows[m].start) AND x.off < \(windows[m].end)) OR (x.off < 0 AND x.off >= -\(windows[m].length))))"
    }
    return [
      ("exposures_before_entry", "\(reached) AND x.off < 0"),
      ("exposures_after_entry", "\(reached) AND x.off >= 0"),
      ("revenue_rows_without_value", "x.fate = 0 AND x.value IS NULL AND (\(revenue.isEmpty ? "1 = 0" : revenue.joined(separator: " OR ")))"),
      ("times_before_floor", "x.reject = 0 AND x.copy = 1 AND x.ts < \(MeasurementLimits.timeFloor)"),
      // MeasurementLimits.futureLimit, written as horizon + margin.
      ("times_far_after_as_of", "x.reject = 0 AND x.copy = 1 AND x.ts > \(max(query.asOf, experiment.asOf ?? query.asOf)) + \(MeasurementLimits.futureMargin)"),
      ("conflicting_duplicates", "x.copy > 1 AND x.conflicting = 1"),
    ]
  }

  /// `h_activity`: the message and event rows read once, each joined to the cohort and given its
  /// fate (`fate`, a code of `fates`), aggregated by (analysed user, role, fate). The rows used
  /// form one group per user and role with the user's metric values, first exposure and its
  /// channel, spend and first return; every other row falls in the group of its role and fate
  /// (user NULL), which keeps only counts. Each group also counts its rows' findings.
  func activityTable(fate: String) throws(WarehouseError) -> CommonTable {
    var values: [String] = []
    for (m, metric) in experiment.metrics.enumerated() {
      let w = windows[m]
      let events = isIn("x.event", metricEvents[m])
      let increment = metric.kind == .revenue ? "COALESCE(x.value, 0)" : syntax.signed(1_000_000)
      let aggregate = metric.kind.isBinary ? "MAX" : "SUM"
      values.append("\(aggregate)(CASE WHEN \(events) AND x.off >= \(w.start) AND x.off < \(w.end) THEN \(increment) ELSE 0 END) AS post_\(m)")
      values.append("\(aggregate)(CASE WHEN \(events) AND x.off < 0 AND x.off >= -\(w.length) THEN \(increment) ELSE 0 END) AS pre_\(m)")
    }
    var costCase = "0"
    if !experiment.costs.isEmpty {
      costCase = "CASE x.channel"
      for cost in experiment.costs {
        let name = try syntax.literal(cost.channel)
        costCase += " WHEN \(name) THEN \(Decimal.micros(cost.cost))"
      }
      costCase += " ELSE 0 END"
    }
    // The first exposure's channel as one sortable text: the offset in 19 digits, then "0" and
    // the channel, or "1" for none (the file path's order: time, then channel bytewise, none last).
    let channelKey = syntax.bytewise(
      syntax.leftPad(text("x.off"), 19, "0") + " || CASE WHEN x.channel IS NULL THEN '1' ELSE '0' || x.channel END")
    let findings = rowFindings.enumerated().map { k, finding in
      "SUM(CASE WHEN \(finding.condition) THEN 1 ELSE 0 END) AS finding_\(k)"
    }
    return CommonTable("h_activity", """
        SELECT x.used_by AS user_id, x.role, x.fate, COUNT(*) AS n,
          \(values.joined(separator: ",\n    ")),
          MIN(CASE WHEN \(exposure) THEN x.ts END) AS first_exposure,
          SUM(CASE WHEN \(exposure) THEN \(costCase) ELSE 0 END) AS spend,
          MIN(CASE WHEN \(exposure) THEN \(channelKey) END) AS first_channel,
          MIN(CASE WHEN \(isIn("x.event", returnEvents)) AND x.off >= 0 AND x.off < \(survivalWindow) THEN x.ts END) AS first_return,
          \(findings.joined(separator: ",\n    "))
        FROM (
          SELECT f.*, CASE WHEN f.fate = 0 THEN f.member END AS used_by
          FROM (
            SELECT j.*, \(fate) AS fate
            FROM (
              SELECT d.role, d.event, d.ts, d.value, d.channel, d.copy, d.conflicting, d.reject, c.user_id AS member,
                c.fate AS member_fate, d.ts - c.t0 AS off
              FROM h_deduped d LEFT JOIN h_cohort c ON c.user_id = d.user_id
            ) j
          ) f
        ) x
        GROUP BY x.used_by, x.role, x.fate
      """)
  }

  /// The per-user tables: `h_users`, the percentile caps and `h_measured`.
  func userTables() throws(WarehouseError) -> [CommonTable] {
    let segmentNames = experiment.segments.indices.map { ", c.seg_\($0)" }.joined()
    var perUser: [String] = []
    var values: [String] = []
    for (m, metric) in experiment.metrics.enumerated() {
      let aggregate = metric.kind.isBinary ? "MAX" : "SUM"
      for part in ["post", "pre"] {
        perUser.append("\(aggregate)(\(part)_\(m)) AS \(part)_\(m)")
        values.append("COALESCE(a.\(part)_\(m), 0) AS \(part)_\(m)")
      }
    }
    let users = CommonTable("h_users", """
        SELECT c.user_id, c.t0, c.arm\(segmentNames),
          \(values.joined(separator: ", ")),
          a.first_exposure, COALESCE(a.spend, 0) AS spend, a.first_return,
          CASE WHEN \(syntax.substring("a.first_channel", 20, 1)) = '0' THEN \(syntax.substring("a.first_channel", 21)) END AS first_channel
        FROM h_cohort c LEFT JOIN (
          SELECT user_id, \(perUser.joined(separator: ", ")),
            MIN(first_exposure) AS first_exposure, SUM(spend) AS spend, MIN(first_return) AS first_return,
            MIN(\(syntax.bytewise("first_channel"))) AS first_channel
          FROM h_activity WHERE user_id IS NOT NULL GROUP BY user_id
        ) a ON a.user_id = c.user_id
        WHERE c.fate = 'used'
      """)
    var tables = [users]
    var joins = ""
    var columns: [String] = []
    for (m, metric) in experiment.metrics.enumerated() {
      columns.append("CASE WHEN u.t0 + \(windows[m].end) <= \(asOf) THEN 1 ELSE 0 END AS mature_\(m)")
      var cap: String? = nil
      if let fixed = metric.cap {
        cap = String(Decimal.micros(fixed))
      } else if let level = metric.capPercentile {
        tables.append(percentileCap(
          name: "h_cap_\(m)", level: level, value: "post_\(m)", from: "h_users", mature: "t0 + \(windows[m].end) <= \(asOf)"))
        joins += " CROSS JOIN h_cap_\(m)"
        cap = "h_cap_\(m).cap"
      }
      if let cap {
        columns.append("CASE WHEN u.post_\(m) < \(cap) THEN u.post_\(m) ELSE \(cap) END AS x_\(m)")
        columns.append("CASE WHEN u.pre_\(m) < \(cap) THEN u.pre_\(m) ELSE \(cap) END AS p_\(m)")
      } else {
        columns.append("u.post_\(m) AS x_\(m)")
        columns.append("u.pre_\(m) AS p_\(m)")
      }
    }
    tables.append(CommonTable("h_measured", """
        SELECT u.*,
          \(columns.joined(separator: ",\n    "))
        FROM h_users u\(joins)
      """))
    return tables
  }
}

extension String {
  /// Without trailing spaces.
  func trimmingSpace() -> String {
    var text = Substring(self)
    while text.last == " " { text = text.dropLast() }
    return String(text)
  }
}
