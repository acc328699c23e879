import Ingest
import Experiment

extension QueryParts {
  /// The per-user tables: `h_users`, `h_first_channel`, the percentile caps and `h_measured`.
  func userTables() throws(WarehouseError) -> [String] {
    let segmentNames = experiment.segments.indices.map { ", c.seg_\($0)" }.joined()
    var values: [String] = []
    for (m, metric) in experiment.metrics.enumerated() {
      let w = windows[m]
      let events = isIn("x.event", metricEvents[m])
      let increment = metric.kind == .revenue ? "COALESCE(x.value, 0)" : syntax.signed(1_000_000)
      let aggregate = metric.kind.isBinary ? "MAX" : "SUM"
      values.append("\(aggregate)(CASE WHEN \(events) AND x.off >= \(w.start) AND x.off < \(w.end) THEN \(increment) ELSE 0 END) AS post_\(m)")
      values.append("\(aggregate)(CASE WHEN \(events) AND x.off < 0 AND x.off >= -\(w.length) THEN \(increment) ELSE 0 END) AS pre_\(m)")
    }
    let exposure = "x.role = 'messages' AND \(isIn("x.event", exposureEvents)) AND x.off >= 0"
    var costCase = "0"
    if !experiment.costs.isEmpty {
      costCase = "CASE x.channel"
      for cost in experiment.costs {
        let name = try syntax.literal(cost.channel)
        costCase += " WHEN \(name) THEN \(Decimal.micros(cost.cost))"
      }
      costCase += " ELSE 0 END"
    }
    let users = """
      h_users AS (
        SELECT c.user_id, c.t0, c.arm\(segmentNames),
          \(values.joined(separator: ",\n    ")),
          MIN(CASE WHEN \(exposure) THEN x.ts END) AS first_exposure,
          SUM(CASE WHEN \(exposure) THEN \(costCase) ELSE 0 END) AS spend,
          MIN(CASE WHEN \(isIn("x.event", returnEvents)) AND x.off >= 0 AND x.off < \(survivalWindow) THEN x.ts END) AS first_return
        FROM h_cohort c LEFT JOIN h_classified x ON x.member = c.user_id AND x.fate = 'used'
        WHERE c.fate = 'used'
        GROUP BY c.user_id, c.t0, c.arm\(segmentNames)
      )
      """
    let channel = """
      h_first_channel AS (
        SELECT member AS user_id, channel,
          ROW_NUMBER() OVER (PARTITION BY member ORDER BY ts, \(syntax.bytewise("channel")) NULLS LAST) AS rank
        FROM h_classified x
        WHERE x.fate = 'used' AND \(exposure)
      )
      """
    var tables = [users, channel]
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
    tables.append("""
      h_measured AS (
        SELECT u.*, f.channel AS first_channel,
          \(columns.joined(separator: ",\n    "))
        FROM h_users u LEFT JOIN h_first_channel f ON f.user_id = u.user_id AND f.rank = 1\(joins)
      )
      """)
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
