import Experiment
import Ingest
import MeasurementModel
import Statistics
import WarehouseSQL

/// The `weekly_users` and `weekly_metric` sections, collected per cutoff, and the measurement
/// of each cutoff: analysed users and every metric's statistics, which is what the weekly
/// history reads (exposure, segments and return curves are not computed per week).
struct WeeklyTables {
  let experiment: ExperimentDefinition
  private var users: [Int64: [Int]] = [:]
  private var metrics: [Int64: [[(sums: ExactSums, open: Int)?]]] = [:]
  private var lastLine = 1

  init(experiment: ExperimentDefinition) { self.experiment = experiment }

  mutating func add(_ row: AggregateReader.Row, assembly: AggregateAssembly) throws(WarehouseError) {
    guard let cutoff = Int64(row.value), Timestamp.representable.contains(cutoff) else {
      throw WarehouseError.badAggregates(path: assembly.file, line: row.line, message: "a weekly row's value must be its cutoff in microseconds, got '\(row.value.prefix(40))'")
    }
    lastLine = max(lastLine, row.line)
    let arm = try assembly.armIndex(row)
    let arms = experiment.arms.count
    if row.section == "weekly_users" {
      users[cutoff, default: Array(repeating: 0, count: arms)][arm] += try assembly.countValue(row, "n")
      return
    }
    let m = try assembly.metricIndex(row)
    let entry = (try assembly.checkedSums(row, metric: experiment.metrics[m]), try assembly.countValue(row, "open"))
    var table = metrics[cutoff] ?? Array(repeating: Array(repeating: nil, count: arms), count: experiment.metrics.count)
    guard table[m][arm] == nil else {
      throw WarehouseError.badAggregates(path: assembly.file, line: row.line, message: "metric \(row.metric), arm \(row.arm) at cutoff \(cutoff) is listed twice")
    }
    table[m][arm] = entry
    metrics[cutoff] = table
  }

  /// One measurement per cutoff, ordered; each metric's n + open must equal the cutoff's users.
  func measurements(assembly: AggregateAssembly, asOf: Int64) throws(WarehouseError) -> [Measurement] {
    let cutoffs = Set(users.keys).union(metrics.keys).sorted()
    var out: [Measurement] = []
    let arms = experiment.arms.count
    for cutoff in cutoffs {
      guard cutoff < asOf else {
        throw WarehouseError.badAggregates(path: assembly.file, line: lastLine, message: "a weekly cutoff \(Timestamp.format(cutoff)) is not before as_of")
      }
      let analysed = users[cutoff] ?? Array(repeating: 0, count: arms)
      var measured: [Measurement.Metric] = []
      for (m, definition) in experiment.metrics.enumerated() {
        var moments: [Moments] = [], open: [Int] = []
        for a in 0..<arms {
          let entry = metrics[cutoff]?[m][a] ?? (ExactSums(), 0)
          guard entry.sums.count + entry.open == analysed[a] else {
            throw WarehouseError.badAggregates(
              path: assembly.file, line: lastLine,
              message: "at cutoff \(Timestamp.format(cutoff)), metric \(definition.name), arm \(experiment.arms[a].name): n + open is \(entry.sums.count + entry.open), the arm has \(analysed[a]) users")
          }
          moments.append(entry.sums.moments())
          open.append(entry.open)
        }
        measured.append(.init(
          definition: definition, arms: moments, openWindows: open, exposedArms: Array(repeating: Moments(), count: arms),
          spend: Array(repeating: 0, count: arms), appliedCap: nil))
      }
      out.append(Measurement(
        experiment: experiment, asOf: cutoff, users: analysed, survival: nil, entryRange: nil, metrics: measured,
        segments: [], exposure: .init(isMeasured: false, exposed: Array(repeating: 0, count: arms), channels: []),
        files: [], split: SplitCheck(), findings: JoinFindings()))
    }
    return out
  }
}
