import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import Statistics

/// `holdout stats` (usage and options: `CommandHelp.stats`): comparisons from per-arm
/// sufficient statistics, the form a warehouse query returns.
///
/// Header: `metric,kind,arm,n,sum,sum_squares[,pre_sum,pre_sum_squares,sum_product]` with kind
/// `conversion` (sum = converters, 0 ≤ sum ≤ n) or `mean`. The optional pre-period columns enable
/// CUPED. Every row is checked; a bad one stops with `file:line: what, how to fix` (exit 65).
enum StatsCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .stats)
    guard let control = args.value("control") else {
      throw CLIError.usage("stats needs --control ARM, the holdout arm's name in the file")
    }
    let format = args.value("format") ?? "md"
    var analysis = ExperimentDefinition.Analysis()
    analysis.sequential = args.flag("sequential")
    analysis.correction = nil
    if let text = args.value("alpha") {
      guard let alpha = Double(text), alpha > 0, alpha < 0.5 else {
        throw CLIError.usage("--alpha must be a number between 0 and 0.5, got '\(text)'")
      }
      analysis.alpha = alpha
    }
    if let text = args.value("tuning") {
      guard let tuning = Double(text), tuning >= 10, tuning <= 1e12 else {
        throw CLIError.usage("--tuning must be a number of users between 10 and 1e12, got '\(text)'")
      }
      analysis.sequentialTuning = tuning
    }
    if let text = args.value("correction"), text != "none" {
      guard let method = MultipleTesting(rawValue: text) else {
        throw CLIError.usage("--correction must be holm, benjamini_hochberg or none, got '\(text)'")
      }
      analysis.correction = method
    }
    guard args.positional.count == 1 else {
      throw CLIError.usage("stats needs exactly one CSV file, got \(args.positional.count)")
    }
    guard format == "md" || format == "json" else {
      throw CLIError.usage("unknown format '\(format)'; use md or json")
    }
    let inputs = try ArmSumsFile.read(path: args.positional[0], control: control)
    let report = ArmSumsReport(inputs, control: control, analysis: analysis)
    console.out(format == "json" ? report.json() : report.markdown())
    return 0
  }
}
