import Experiment
import MeasurementModel
import Platforms
import Join
import Reduction
import Warehouse
import WarehouseSQL

/// Targets of the warehouse path: the aggregates reader of `report --aggregates` (any bytes as
/// the CSV a query returned), and the SQL builder's quoting (any strings as the names an
/// experiment file gives, lexed per dialect).
enum WarehouseTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [
    ("warehouse-aggregates", aggregates), ("sql-quoting", quoting),
  ]

  static let experiment: ExperimentDefinition = {
    var e = ExperimentDefinition(
      path: "/tmp/fuzz/experiment.json", key: "tiny",
      arms: [.init(name: "holdout", weight: 0.5, isControl: true), .init(name: "journey", weight: 0.5, isControl: false)],
      asOf: 1_794_787_200_000_000, exposure: ["sms_delivered"],
      metrics: [
        MetricDefinition(name: "converted", kind: .conversion, events: ["order"], windowDays: 7),
        MetricDefinition(name: "revenue", kind: .revenue, events: ["order"], windowDays: 7, capPercentile: 0.9),
      ],
      segments: ["tier"])
    e.analysis.returnEvents = ["session"]
    e.analysis.survivalDays = 10
    return e
  }()

  static func aggregates(_ bytes: [UInt8]) {
    let path = MeasurementTargets.scratch(bytes, suffix: ".csv")
    guard let (measurement, weeks) = try? AggregateReader(experiment: experiment, digest: "fnv1a64:0").readWithWeeks(path: path) else { return }
    FuzzTargets.check(measurement.users.count == 2, "an accepted file without both arms")
    for metric in measurement.metrics {
      for (a, moments) in metric.arms.enumerated() {
        FuzzTargets.check(moments.count + metric.openWindows[a] == measurement.users[a], "n + open is not the arm's users")
        FuzzTargets.check(moments.m2 >= 0 && moments.mean.isFinite, "moments that no users give")
      }
    }
    for week in weeks { FuzzTargets.check(week.asOf < measurement.asOf, "a weekly cutoff not before as_of") }
  }

  /// Splits the input (after its first byte, which picks the dialect) at NUL bytes into up to nine names, puts them where an experiment file's
  /// names go (key, arm, event, segment column, channel, table, column), and checks each
  /// dialect's script: one query after the preamble and the temporary tables, only the three header comments, and
  /// every name as one literal or one identifier.
  static func quoting(_ bytes: [UInt8]) {
    // The first byte picks the dialect (one script per input keeps the target fast enough for
    // CI's fixed-count round); the rest are the names.
    guard let first = bytes.first else { return }
    let dialects = WarehouseDefinition.Dialect.allCases
    let chosen = [dialects[Int(first) % dialects.count]]
    let parts = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).prefix(9).map { String(decoding: $0, as: UTF8.self) }
    func part(_ k: Int, _ fallback: String) -> String { k < parts.count && !parts[k].isEmpty ? parts[k] : fallback }
    var e = experiment
    e.key = part(0, "key")
    e.arms[1].name = part(1, "journey")
    e.metrics[0].events = [part(2, "order")]
    e.exposure = [part(3, "sms_delivered")]
    e.segments = [part(4, "tier")]
    e.costs = [.init(channel: part(5, "sms"), cost: 0.01)]
    e.warehouse.events = .init(name: [part(6, "events")], columns: ["event": part(7, "event")])
    e.warehouse.cohort = .init(name: ["s", part(8, "cohort")])
    for dialect in chosen {
      guard let query = try? AggregateQuery(experiment: e, asOf: e.asOf!, dialect: dialect, digest: "d"),
        let script = try? query.script(), let staged = try? query.stagedTables()
      else { continue }
      guard let tokens = try? SQLLexer(dialect: dialect).tokens(script) else {
        FuzzTargets.check(false, "\(dialect): the script has an unterminated literal or identifier")
        return
      }
      let statements = tokens.filter { $0 == .semicolon }.count
      // The query, its preamble, and the statements of its temporary tables (engines that inline
      // common tables): no statement a name could have injected.
      let staging = staged.count * SQLSyntax(dialect).stage("t", "SELECT 1").count
      FuzzTargets.check(statements == 1 + SQLSyntax(dialect).preamble.count + staging, "\(dialect): \(statements) statements")
      let comments = tokens.filter { if case .comment = $0 { return true } else { return false } }.count
      FuzzTargets.check(comments == 3, "\(dialect): \(comments) comments")
      let literals = Set(tokens.compactMap { if case .literal(let t) = $0 { return t } else { return nil } })
      let identifiers = Set(tokens.compactMap { if case .identifier(let t) = $0 { return t } else { return nil } })
      for name in [e.arms[1].name, e.metrics[0].events[0], e.exposure[0], e.costs[0].channel] {
        FuzzTargets.check(literals.contains(name), "\(dialect): '\(name)' is not one literal")
      }
      for name in [e.segments[0], part(6, "events"), part(7, "event"), part(8, "cohort")] {
        FuzzTargets.check(identifiers.contains(name), "\(dialect): '\(name)' is not one identifier")
      }
    }
  }
}
