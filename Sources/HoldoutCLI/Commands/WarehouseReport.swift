import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import Warehouse
import WarehouseSQL

/// `report … --aggregates FILE` and `validate … --aggregates FILE`: the report of the aggregates
/// a warehouse query returned (`holdout sql`), rendered by the same code as from files.
enum WarehouseReport {
  static func build(path: String, aggregates: String, options: ReportCommand.Options) throws -> ExperimentReport {
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    let digest = try ExperimentDigest.of(path: path)
    let (measurement, weeks) = try AggregateReader(experiment: experiment, digest: digest).readWithWeeks(path: aggregates)
    if let text = options.asOfText {
      let asOf = try ReportCommand.cutoff(experiment, text: text, command: options.command)
      guard asOf == measurement.asOf else {
        throw CLIError.usage("--as-of \(Timestamp.format(asOf)) differs from the aggregates' as_of \(Timestamp.format(measurement.asOf)); run holdout sql with the same --as-of")
      }
    }
    if let warning = ReportCommand.asOfWarning(measurement.asOf, entries: measurement.entryRange, source: "the query's as_of") {
      options.console.err("warning: \(warning)\n")
    }
    var report = ExperimentReport(measurement: measurement)
    if options.weekly, let first = measurement.entryRange?.first {
      let expected = Array(WeeklyHistory.cutoffs(firstEntry: first, asOf: measurement.asOf).dropLast())
      guard weeks.map(\.asOf) == expected else {
        throw CLIError.data(
          "\(Reconciliation.fileName(aggregates)): the history needs \(expected.count) weekly cutoffs from \(expected.first.map(Timestamp.format) ?? "-"), the aggregates have \(weeks.count)\(weeks.isEmpty ? "; write the query with holdout sql --weekly" : " (a query with another as_of or first entry)")")
      }
      report.history = WeeklyHistory(reports: weeks.map { ExperimentReport(measurement: $0) } + [report])
    }
    return report
  }
}
