import Reports
import TextOutput

/// `holdout validate` (usage and options: `CommandHelp.validate`): runs the
/// journey's data-quality checks (`JourneyChecks`) and prints each with what was measured and
/// its threshold; exits 1 when any check fails, 0 when all pass or do not apply.
enum ValidateCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .validate)
    let asOfText = args.value("as-of")
    let format = args.value("format") ?? "md"
    let threads = try Threads.parse(args.value("threads"))
    let quiet = args.flag("quiet")
    guard args.positional.count == 1 else {
      throw CLIError.usage("validate needs exactly one experiment file, got \(args.positional.count)")
    }
    guard format == "md" || format == "json" else { throw CLIError.usage("unknown format '\(format)'; use md or json") }
    var options = ReportCommand.Options(
      asOfText: asOfText, threads: threads, strict: false, quiet: quiet, weekly: false, console: console)
    options.command = "validate"

    let report = try ReportCommand.build(path: args.positional[0], options: options)
    let checks = JourneyChecks(report)
    if format == "json" {
      console.out(JSONValue.object([("experiment", .string(report.experiment.key)), ("checks", JSONReportRenderer.checksValue(report))]).serialized())
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
