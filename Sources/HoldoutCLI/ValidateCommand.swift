import Ingest
import Measurement
import Reports

/// `holdout validate EXPERIMENT [--as-of T] [--format md|json] [--threads N] [--quiet]`: runs the
/// journey's data-quality checks (`JourneyChecks`) and prints each with what was measured and
/// its threshold; exits 1 when any check fails, 0 when all pass or do not apply.
enum ValidateCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, flags: ["quiet"])
    let asOfText = args.value("as-of")
    let format = args.value("format") ?? "md"
    let threads = try Threads.parse(args.value("threads"))
    let quiet = args.flag("quiet")
    try args.rejectUnknown()
    guard args.positional.count == 1 else {
      throw CLIError.usage("validate needs exactly one experiment file, got \(args.positional.count)")
    }
    guard format == "md" || format == "json" else { throw CLIError.usage("unknown format '\(format)'; use md or json") }
    let experiment = try ExperimentFileDecoder.load(path: args.positional[0], for: .report)
    var asOf = experiment.asOf
    if let asOfText {
      guard let parsed = Timestamp.parse(asOfText) else {
        throw CLIError.usage("--as-of '\(asOfText)' is not a timestamp; use e.g. 2026-11-16 or 2026-11-16T00:00:00Z")
      }
      asOf = parsed
    }
    guard let asOf else {
      throw CLIError.measurement(
        .missingForCommand(path: experiment.path, key: "as_of", command: "validate (or pass --as-of)"))
    }
    var measurer = Measurer(experiment: experiment, asOf: asOf, threads: threads)
    let meter = ProgressMeter(console: console, enabled: !quiet && console.isTerminal)
    if meter.enabled { measurer.progress = { path, bytes in meter.update(path: path, bytes: bytes) } }
    let measurement = try measurer.measure()
    meter.finish()
    let report = ExperimentReport(measurement: measurement)
    let checks = JourneyChecks(report)
    if format == "json" {
      console.out(JSONValue.object([("experiment", .string(experiment.key)), ("checks", JSONReportRenderer.checksValue(report))]).serialized())
    } else {
      console.out(MarkdownReportRenderer.checksSection(report))
    }
    let failed = checks.checks.filter { $0.status == .fail }
    console.err(
      failed.isEmpty
        ? "validate: every check passed or does not apply\n"
        : "validate: \(failed.count) of \(checks.checks.count) checks failed: \(failed.map(\.key).joined(separator: ", "))\n")
    return failed.isEmpty ? 0 : 1
  }
}
