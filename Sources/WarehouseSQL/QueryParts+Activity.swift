import Ingest
import Experiment

/// The per-row terms of the message and event rows, as integers the engine compares cheaply.
///
/// Every name the query tests a row's event against (exposure, metric and return events) gets a
/// small integer code, computed once per row where the row is read (`CASE event WHEN … END`, 0 for
/// any other name); each window a row can fall in (every metric's window and pre-period, the
/// exposure after entry, the return window) is one bit of an integer `w_k` (62 terms per column).
/// A row is used when some bit is set; a binary metric's per-user value is the OR of its bit over
/// the user's rows (`BIT_OR`), and an additive one the sum of its increment over the rows with
/// its bit. On the large benchmark set this replaced string comparisons repeated per term and
/// one `MAX` aggregate per binary term (bench/RESULTS.md, issue 27).
struct ActivityTerms {
  /// The event names tested, in order of first mention (exposure, metrics, returns); code = index + 1.
  let names: [String]
  /// Per metric: its post-window term and its pre-period term.
  let metricTerms: [(post: Int, pre: Int)]
  let exposureTerm: Int
  let returnTerm: Int
  let count: Int
  /// Bits per `w_k` column: a signed 64-bit integer, kept clear of the sign bit.
  static let bitsPerColumn = 62

  init(experiment: ExperimentDefinition) {
    var names: [String] = []
    for name in experiment.exposure + experiment.metrics.flatMap(\.events) + experiment.returnEvents where !names.contains(name) {
      names.append(name)
    }
    self.names = names
    metricTerms = experiment.metrics.indices.map { (2 * $0, 2 * $0 + 1) }
    exposureTerm = 2 * experiment.metrics.count
    returnTerm = exposureTerm + 1
    count = returnTerm + 1
  }

  /// The code of `name` (1-based), for names in `names`.
  func code(_ name: String) -> Int { names.firstIndex(of: name)! + 1 }

  /// `expression` tested against the codes of `events`: `=`, `IN (…)`, or false for none.
  func codeIn(_ expression: String, _ events: [String]) -> String {
    let codes = Array(Set(events.map(code))).sorted()
    switch codes.count {
    case 0: return "1 = 0"
    case 1: return "\(expression) = \(codes[0])"
    default: return "\(expression) IN (\(codes.map(String.init).joined(separator: ", ")))"
    }
  }

  /// The column (`w_0`, `w_1`, …) and bit value of `term`.
  func place(_ term: Int) -> (column: String, bit: Int64) {
    ("w_\(term / Self.bitsPerColumn)", Int64(1) << Int64(term % Self.bitsPerColumn))
  }

  var columns: [String] { (0..<((count + Self.bitsPerColumn - 1) / Self.bitsPerColumn)).map { "w_\($0)" } }
}

extension QueryParts {
  /// `CASE <event> WHEN 'name' THEN code … ELSE 0 END`: the row's event code (`ActivityTerms`).
  func eventCode(_ event: String) throws(WarehouseError) -> String {
    guard !terms.names.isEmpty else { return "0" }
    var out = "CASE \(event)"
    for name in terms.names { out += " WHEN \(try syntax.literal(name)) THEN \(terms.code(name))" }
    return out + " ELSE 0 END"
  }

  /// The condition that bit `term` is set, on columns prefixed `prefix` (`"x."`, `"a."`, `""`).
  func has(_ term: Int, _ prefix: String = "x.") -> String {
    let place = terms.place(term)
    return "\(syntax.bitAnd(prefix + place.column, syntax.signed(place.bit))) <> 0"
  }

  /// Each term's condition on a joined row (`role`, `code`, `off`), by term index.
  private var termConditions: [String] {
    var conditions = [String](repeating: "1 = 0", count: terms.count)
    for (m, metric) in experiment.metrics.enumerated() {
      let events = terms.codeIn("code", metric.events)
      let w = windows[m]
      conditions[terms.metricTerms[m].post] = "\(events) AND off >= \(w.start) AND off < \(w.end)"
      conditions[terms.metricTerms[m].pre] = "\(events) AND off < 0 AND off >= -\(w.length)"
    }
    conditions[terms.exposureTerm] = "role = 0 AND \(terms.codeIn("code", experiment.exposure)) AND off >= 0"
    conditions[terms.returnTerm] = "\(terms.codeIn("code", experiment.returnEvents)) AND off >= 0 AND off < \(survivalWindow)"
    return conditions
  }

  /// `w_k` for each column: the sum of the bits of the terms that hold (the bits are distinct,
  /// so the sum is their OR, in every dialect's plain arithmetic). 0 for a row of an unnamed event.
  private var windowColumns: [String] {
    let conditions = termConditions
    return terms.columns.enumerated().map { k, column in
      let range = (k * ActivityTerms.bitsPerColumn)..<min(terms.count, (k + 1) * ActivityTerms.bitsPerColumn)
      let bits = range.map { "CASE WHEN \(conditions[$0]) THEN \(syntax.signed(terms.place($0).bit)) ELSE 0 END" }
      return "CASE WHEN code = 0 THEN 0 ELSE\n            " + bits.joined(separator: "\n            + ") + " END AS \(column)"
    }
  }

  /// The data-quality findings counted over the message and event rows, each a condition on one
  /// classified row (`f`): its code, copy, time, user's analysis, offset, bits and value. Each is
  /// one bit of the row's `fb`, which `h_activity` groups by, so a finding is the sum of the row
  /// counts of the groups with its bit.
  var rowFindings: [(name: String, condition: String)] {
    let reached = "f.copy = 1 AND f.ts < \(asOf) AND f.member_analysed = 1 AND f.role = 0 AND \(terms.codeIn("f.code", experiment.exposure))"
    let revenue = experiment.metrics.indices.filter { experiment.metrics[$0].kind == .revenue }.flatMap {
      [has(terms.metricTerms[$0].post, "f."), has(terms.metricTerms[$0].pre, "f.")]
    }
    return [
      ("exposures_before_entry", "\(reached) AND f.off < 0"),
      ("exposures_after_entry", "\(reached) AND f.off >= 0"),
      ("revenue_rows_without_value", "f.fate = 0 AND f.value IS NULL AND (\(revenue.isEmpty ? "1 = 0" : revenue.joined(separator: " OR ")))"),
      ("times_before_floor", "f.reject = 0 AND f.copy = 1 AND f.ts < \(MeasurementLimits.timeFloor)"),
      // MeasurementLimits.futureLimit, written as horizon + margin.
      ("times_far_after_as_of", "f.reject = 0 AND f.copy = 1 AND f.ts > \(max(query.asOf, experiment.asOf ?? query.asOf)) + \(MeasurementLimits.futureMargin)"),
      ("conflicting_duplicates", "f.copy > 1 AND f.conflicting = 1"),
    ]
  }

  /// The number of rows with finding `k`, summed over `h_activity`'s groups.
  func findingCount(_ k: Int) -> String {
    "COALESCE(SUM(CASE WHEN \(syntax.bitAnd("fb", String(1 << k))) <> 0 THEN n ELSE 0 END), 0)"
  }

  /// `h_activity`: the message and event rows read once, each joined to the cohort, given its
  /// window bits (`w_k`), its fate (a code of `fates`) and its findings (`fb`), and aggregated at
  /// once by (analysed user, role, fate, findings). The rows used form a group per user, role and
  /// findings with the user's window bits OR-ed, additive metric values, first exposure and its
  /// channel, spend and first return; every other row falls in the group of its role, fate and
  /// findings (user NULL), which keeps only counts.
  func activityTable() throws(WarehouseError) -> CommonTable {
    let measuredEvents = experiment.metrics.flatMap(\.events) + experiment.returnEvents
    let measured = "(role = 0 AND \(terms.codeIn("code", experiment.exposure))) OR \(terms.codeIn("code", measuredEvents))"
    let anyBit = terms.columns.map { "\($0) <> 0" }.joined(separator: " OR ")
    let fate = """
      CASE
                WHEN reject <> 0 THEN \(Self.rejectedFate) + reject
                WHEN copy > 1 THEN \(Self.code(of: "duplicate"))
                WHEN ts >= \(asOf) THEN \(Self.code(of: "after_as_of"))
                WHEN member IS NULL THEN \(Self.code(of: "user_not_in_cohort"))
                WHEN member_analysed = 0 THEN \(Self.code(of: "user_not_analysed"))
                WHEN NOT (\(measured)) THEN \(Self.code(of: "event_not_measured"))
                WHEN \(anyBit) THEN \(Self.code(of: "used"))
                ELSE \(Self.code(of: "outside_windows")) END
      """
    var values = terms.columns.map { "\(syntax.bitOrAggregate("x.\($0)")) AS \($0)" }
    for (m, metric) in experiment.metrics.enumerated() where !metric.kind.isBinary {
      let increment = metric.kind == .revenue ? "COALESCE(x.value, 0)" : syntax.signed(1_000_000)
      values.append("SUM(CASE WHEN \(has(terms.metricTerms[m].post)) THEN \(increment) ELSE 0 END) AS post_\(m)")
      values.append("SUM(CASE WHEN \(has(terms.metricTerms[m].pre)) THEN \(increment) ELSE 0 END) AS pre_\(m)")
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
    let exposure = has(terms.exposureTerm)
    // The first exposure's channel as one sortable text: the offset in 19 digits, then "0" and
    // the channel, or "1" for none (the file path's order: time, then channel bytewise, none last).
    let channelKey = syntax.bytewise(
      syntax.leftPad(text("x.off"), 19, "0") + " || CASE WHEN x.channel IS NULL THEN '1' ELSE '0' || x.channel END")
    let findingBits = rowFindings.enumerated().map { k, finding in
      "CASE WHEN \(finding.condition) THEN \(1 << k) ELSE 0 END"
    }
    return CommonTable("h_activity", """
        SELECT x.used_by AS user_id, x.role, x.fate, x.fb, COUNT(*) AS n,
          \(values.joined(separator: ",\n    ")),
          MIN(CASE WHEN \(exposure) THEN x.ts END) AS first_exposure,
          SUM(CASE WHEN \(exposure) THEN \(costCase) ELSE 0 END) AS spend,
          MIN(CASE WHEN \(exposure) THEN \(channelKey) END) AS first_channel,
          MIN(CASE WHEN \(has(terms.returnTerm)) THEN x.ts END) AS first_return
        FROM (
          SELECT f.*, CASE WHEN f.fate = 0 THEN f.member END AS used_by,
            \(findingBits.joined(separator: "\n      + ")) AS fb
          FROM (
            SELECT j.*, \(fate) AS fate
            FROM (
              SELECT j.*,
                \(windowColumns.joined(separator: ",\n        "))
              FROM (
                SELECT d.role, d.code, d.ts, d.value, d.channel, d.copy, d.conflicting, d.reject, c.user_id AS member,
                  c.analysed AS member_analysed, d.ts - c.t0 AS off
                FROM h_deduped d LEFT JOIN h_cohort c ON c.user_id = d.user_id\(syntax.fence)
              ) j\(syntax.fence)
            ) j\(syntax.fence)
          ) f\(syntax.fence)
        ) x
        GROUP BY x.used_by, x.role, x.fate, x.fb
      """)
  }
}
