import Ingest
import Experiment

extension QueryParts {
  /// The per-user tables: `h_users`, the percentile caps and `h_measured`.
  func userTables() throws(WarehouseError) -> [CommonTable] {
    let segmentNames = experiment.segments.indices.map { ", c.seg_\($0)" }.joined()
    // Binary metrics from the OR of their bits over the user's groups, additive ones summed.
    var perUser = terms.columns.map { "\(syntax.bitOrAggregate($0)) AS \($0)" }
    var values: [String] = []
    for (m, metric) in experiment.metrics.enumerated() {
      let term = terms.metricTerms[m]
      for (part, bit) in [("post", term.post), ("pre", term.pre)] {
        if metric.kind.isBinary {
          let place = terms.place(bit)
          let set = "\(syntax.bitAnd("COALESCE(a.\(place.column), 0)", syntax.signed(place.bit))) <> 0"
          values.append("CASE WHEN \(set) THEN \(syntax.signed(1_000_000)) ELSE 0 END AS \(part)_\(m)")
        } else {
          perUser.append("SUM(\(part)_\(m)) AS \(part)_\(m)")
          values.append("COALESCE(a.\(part)_\(m), 0) AS \(part)_\(m)")
        }
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
      var cap = fixedCap(m)
      if cap == nil, let level = metric.capPercentile {
        tables.append(percentileCap(
          name: "h_cap_\(m)", level: level, value: "post_\(m)", from: "h_users", mature: "t0 + \(windows[m].end) <= \(asOf)"))
        joins += " CROSS JOIN h_cap_\(m)"
        cap = "h_cap_\(m).cap"
      }
      if let cap {
        columns.append("\(capped("u.post_\(m)", at: cap)) AS x_\(m)")
        columns.append("\(capped("u.pre_\(m)", at: cap)) AS p_\(m)")
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
