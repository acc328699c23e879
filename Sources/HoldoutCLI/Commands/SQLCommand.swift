import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Warehouse
import WarehouseSQL

/// `holdout sql` (usage and options: `CommandHelp.sql`): the SQL script that
/// computes every aggregate of the report inside a warehouse (docs/warehouse.md).
enum SQLCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .sql)
    guard args.positional.count == 1 else {
      throw CLIError.usage("sql needs exactly one experiment file, got \(args.positional.count)")
    }
    let path = args.positional[0]
    let experiment = try ExperimentFileDecoder.load(path: path, for: .warehouse)
    let dialect: WarehouseDefinition.Dialect
    if let name = args.value("dialect") {
      guard let value = WarehouseDefinition.Dialect(rawValue: name) else {
        throw CLIError.usage("--dialect must be one of \(WarehouseDefinition.Dialect.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
      }
      dialect = value
    } else if let value = experiment.warehouse.dialect {
      dialect = value
    } else {
      throw CLIError.usage("sql needs --dialect (\(WarehouseDefinition.Dialect.allCases.map(\.rawValue).joined(separator: ", "))) or warehouse.dialect in the experiment file")
    }
    let asOf = try ReportCommand.cutoff(experiment, text: args.value("as-of"), command: "sql")
    let digest = try ExperimentDigest.of(path: path)
    var query = try AggregateQuery(experiment: experiment, asOf: asOf, dialect: dialect, digest: digest)
    query.weekly = args.flag("weekly")
    let script = try query.script()
    guard let out = args.value("out") else {
      console.out(script)
      return 0
    }
    do {
      try ByteSink.write(script, to: out)
    } catch {
      throw CLIError.output("cannot write \(out): \(error.description)")
    }
    console.err("wrote \(out)\n")
    return 0
  }
}
