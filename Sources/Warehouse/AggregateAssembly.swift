import Experiment
import Ingest
import MeasurementModel
import Statistics
import WarehouseSQL

/// Assembles checked aggregate rows into a `Measurement` (see `AggregateReader` for the checks).
struct AggregateAssembly {
  let experiment: ExperimentDefinition
  let digest: String
  let file: String

  typealias Row = AggregateReader.Row

  private func fail(_ line: Int, _ message: String) -> WarehouseError {
    .badAggregates(path: file, line: line, message: message)
  }

  func armIndex(_ row: Row) throws(WarehouseError) -> Int {
    guard let index = experiment.arms.firstIndex(where: { $0.name == row.arm }) else {
      throw fail(row.line, "arm '\(row.arm.prefix(60))' is not an arm of \(experiment.key) (\(experiment.arms.map(\.name).joined(separator: ", "))); were these aggregates computed for another experiment file?")
    }
    return index
  }

  func metricIndex(_ row: Row) throws(WarehouseError) -> Int {
    guard let index = experiment.metrics.firstIndex(where: { $0.name == row.metric }) else {
      throw fail(row.line, "metric '\(row.metric.prefix(60))' is not a metric of \(experiment.key); run holdout sql again for this experiment file")
    }
    return index
  }

  func countValue(_ row: Row, _ column: String) throws(WarehouseError) -> Int {
    guard let value = row.numbers[column] else { throw fail(row.line, "\(column) is empty in a \(row.section) row") }
    guard value >= 0, value <= Int128(Int32.max) * 64 else {
      throw fail(row.line, "\(column) \(value) is not a count (a non-negative integer)")
    }
    return Int(value)
  }

  /// The sums of one (arm, metric): n and the five sums under `prefix`, checked.
  func checkedSums(_ row: Row, _ prefix: String = "", metric definition: MetricDefinition) throws(WarehouseError) -> ExactSums {
    let kind = definition.kind
    let n = try countValue(row, prefix + "n")
    var values: [Int128] = []
    for name in ["sum", "sum_squares", "pre_sum", "pre_sum_squares", "sum_products"] {
      guard let value = row.numbers[prefix + name] else { throw fail(row.line, "\(prefix + name) is empty in a \(row.section) row") }
      values.append(value)
    }
    let (s, ss, p, pp, sp) = (values[0], values[1], values[2], values[3], values[4])
    let cannot = "cannot come from \(n) users; the aggregates are corrupt or edited"
    if n == 0 && values.contains(where: { $0 != 0 }) { throw fail(row.line, "\(prefix)n is 0 but the sums are not; they \(cannot)") }
    for (label, sum, squares) in [("sum", s, ss), ("pre_sum", p, pp)] {
      guard squares >= 0 else { throw fail(row.line, "\(prefix)\(label) squares are negative; they \(cannot)") }
      // n·Σx² ≥ (Σx)² (Cauchy–Schwarz), compared in binary64 when the products overflow.
      let (left, o1) = Int128(n).multipliedReportingOverflow(by: squares)
      let (right, o2) = sum.multipliedReportingOverflow(by: sum)
      let below = (o1 || o2) ? Double(n) * Double(squares) < Double(sum) * Double(sum) * (1 - 1e-12) : left < right
      if below { throw fail(row.line, "\(prefix)\(label): n·Σx² < (Σx)²; the sums \(cannot)") }
      if kind.isBinary {
        let scale = Int128(Decimal.scale)
        guard sum >= 0, sum % scale == 0, sum <= Int128(n) * scale, squares == sum * scale else {
          throw fail(row.line, "\(prefix)\(label) of the 0/1 metric '\(definition.name)' must be a multiple of 1000000 between 0 and n·1000000 with squares = 1000000·sum; it \(cannot)")
        }
      } else if kind == .count {
        guard sum >= 0, sum % Int128(Decimal.scale) == 0 else {
          throw fail(row.line, "\(prefix)\(label) of a count metric must be a non-negative multiple of 1000000; it \(cannot)")
        }
      }
    }
    if Double(sp) * Double(sp) > Double(ss) * Double(pp) * (1 + 1e-9) + 1 {
      throw fail(row.line, "\(prefix)sum_products: (Σx·pre)² > Σx²·Σpre²; the sums \(cannot)")
    }
    return ExactSums(count: n, sum: s, sumOfSquares: ss, preSum: p, preSumOfSquares: pp, sumOfProducts: sp)
  }

  /// The measurement from every row, and the weekly cutoffs' measurements when the query
  /// computed them (ordered by cutoff).
  mutating func measurement(from rows: [Row]) throws(WarehouseError) -> (Measurement, [Measurement]) {
    let armCount = experiment.arms.count
    let metrics = experiment.metrics
    var meta: [String: (String, Int)] = [:]
    var users: [Int?] = Array(repeating: nil, count: armCount)
    var exposed = Array(repeating: 0, count: armCount)
    var firstEntry = Int64.max, lastEntry = Int64.min
    var metricRows: [[Row?]] = Array(repeating: Array(repeating: nil, count: armCount), count: metrics.count)
    var caps: [Double?] = Array(repeating: nil, count: metrics.count)
    var segmentData = SegmentTables(experiment: experiment)
    var channels: [String: [Int]] = [:]
    var survival: [[(days: Double, returned: Bool, users: Int)]] = Array(repeating: [], count: armCount)
    var ledgers = WarehouseDefinition.Role.allCases.map { Reconciliation(role: $0.rawValue, path: tableName($0)) }
    var findings: [String: Int] = [:]
    var weeks = WeeklyTables(experiment: experiment)

    // Segment values first: the other segment rows refer to them, in whatever order the
    // engine returned the rows.
    for row in rows where row.section == "segment_value" { try segmentData.add(row, assembly: self) }
    for row in rows where row.section != "segment_value" {
      switch row.section {
      case "meta":
        guard ["version", "experiment", "digest", "dialect", "as_of"].contains(row.metric), meta[row.metric] == nil else {
          throw fail(row.line, "meta '\(row.metric.prefix(40))' is unknown or repeated")
        }
        meta[row.metric] = (row.value, row.line)
      case "users":
        let a = try armIndex(row)
        guard users[a] == nil else { throw fail(row.line, "arm \(row.arm) has two users rows") }
        let n = try countValue(row, "n")
        users[a] = n
        exposed[a] = try countValue(row, "exposed_n")
        guard exposed[a] <= n else { throw fail(row.line, "exposed_n \(exposed[a]) is more than the arm's \(n) users") }
        if n > 0 {
          guard let first = row.numbers["first_entry"], let last = row.numbers["last_entry"], first <= last,
            let f = Int64(exactly: first), let l = Int64(exactly: last), Timestamp.representable.contains(f), Timestamp.representable.contains(l)
          else { throw fail(row.line, "first_entry and last_entry must be timestamps in microseconds, first ≤ last, for an arm with users") }
          firstEntry = min(firstEntry, f)
          lastEntry = max(lastEntry, l)
        }
      case "metric":
        let (a, m) = (try armIndex(row), try metricIndex(row))
        guard metricRows[m][a] == nil else { throw fail(row.line, "metric \(row.metric), arm \(row.arm) is listed twice") }
        metricRows[m][a] = row
      case "cap":
        let m = try metricIndex(row)
        guard let micros = AggregateReader.integer(row.value), micros >= 0, micros <= Int128(MeasurementLimits.maximumMagnitude) else {
          throw fail(row.line, "cap '\(row.value.prefix(40))' is not a non-negative integer of micro-units")
        }
        caps[m] = Decimal.units(micros)
      case "segment_users", "segment_metric":
        try segmentData.add(row, assembly: self)
      case "channel":
        let a = try armIndex(row)
        guard !row.value.isEmpty else { throw fail(row.line, "a channel row without a channel name") }
        channels[row.value, default: Array(repeating: 0, count: armCount)][a] += try countValue(row, "n")
      case "survival":
        let a = try armIndex(row)
        guard row.metric == "event" || row.metric == "censored", let micros = AggregateReader.integer(row.value), micros >= 0,
          micros <= Int128(MetricDefinition.micros(days: experiment.analysis.survivalDays))
        else { throw fail(row.line, "a survival row needs metric event or censored and value = microseconds since entry within the follow-up") }
        survival[a].append((Double(micros) / 86_400_000_000.0, row.metric == "event", try countValue(row, "n")))
      case "rows":
        guard let role = WarehouseDefinition.Role(rawValue: row.segment) else {
          throw fail(row.line, "rows of '\(row.segment.prefix(40))': the tables are cohort, messages and events")
        }
        let n = try countValue(row, "n")
        if let fate = Reconciliation.Fate.allCases.first(where: { $0.key == row.value }), fate != .rejected {
          ledgers[role.index].record(fate, count: n)
        } else if let reason = Reconciliation.Reason.allCases.first(where: { $0.key == row.value }) {
          ledgers[role.index].reject(reason, count: n)
        } else {
          throw fail(row.line, "'\(row.value.prefix(40))' is neither a fate nor a rejection reason")
        }
      case "weekly_users", "weekly_metric":
        try weeks.add(row, assembly: self)
      case "finding":
        guard AggregateColumns.findings.contains(row.value), findings[row.value] == nil else {
          throw fail(row.line, "finding '\(row.value.prefix(40))' is unknown or repeated")
        }
        findings[row.value] = try countValue(row, "n")
      default:
        throw fail(row.line, "unknown section '\(row.section.prefix(40))'; these are not \(AggregateQuery.formatVersion) aggregates")
      }
    }
    let asOf = try checkMeta(meta)
    var analysed: [Int] = []
    for a in 0..<armCount {
      guard let n = users[a] else { throw fail(rows.last?.line ?? 1, "arm \(experiment.arms[a].name) has no users row; the aggregates are incomplete") }
      analysed.append(n)
    }
    var measured: [Measurement.Metric] = []
    for (m, definition) in metrics.enumerated() {
      var arms: [Moments] = [], exposedArms: [Moments] = [], open: [Int] = [], spend: [Double] = []
      for a in 0..<armCount {
        guard let row = metricRows[m][a] else {
          throw fail(rows.last?.line ?? 1, "metric \(definition.name) has no row for arm \(experiment.arms[a].name); the aggregates are incomplete")
        }
        let all = try checkedSums(row, metric: definition)
        let reached = try checkedSums(row, "exposed_", metric: definition)
        let notMature = try countValue(row, "open")
        guard reached.count <= all.count, all.count + notMature == analysed[a] else {
          throw fail(row.line, "n + open must equal the arm's \(analysed[a]) users, and exposed_n be at most n")
        }
        guard let cost = row.numbers["spend"], cost >= 0 else { throw fail(row.line, "spend is empty or negative") }
        arms.append(all.moments())
        exposedArms.append(reached.moments())
        open.append(notMature)
        spend.append(Decimal.units(cost))
      }
      if (definition.cap != nil || definition.capPercentile != nil) && caps[m] == nil {
        throw fail(rows.last?.line ?? 1, "metric \(definition.name) is capped but the aggregates have no cap row")
      }
      measured.append(.init(definition: definition, arms: arms, openWindows: open, exposedArms: exposedArms, spend: spend, appliedCap: caps[m]))
    }
    let measurement = try finish(
      asOf: asOf, users: analysed, exposed: exposed, entries: firstEntry <= lastEntry ? (firstEntry, lastEntry) : nil,
      metrics: measured, segments: try segmentData.segments(users: analysed), channels: channels, survival: survival,
      ledgers: ledgers, findings: findings, meta: meta)
    return (measurement, try weeks.measurements(assembly: self, asOf: asOf))
  }
}

extension WarehouseDefinition.Role {
  /// The role's position in `allCases` (cohort, messages, events).
  var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
