import Enrollment
import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction

/// `holdout cohort` (usage and options: `CommandHelp.cohort`): builds or extends the experiment's cohort from its `entry` rule
/// (`CohortBuilder`), appending only new entrants; the summary goes to standard error (or, with
/// `--format json`, to standard output).
enum CohortCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .cohort)
    let asOfText = args.value("as-of")
    let outPath = args.value("out")
    let contacts = args.value("contacts")
    let format = args.value("format") ?? "text"
    let strict = args.flag("strict")
    guard args.positional.count == 1 else {
      throw CLIError.usage("cohort needs exactly one experiment file, got \(args.positional.count)")
    }
    guard format == "text" || format == "json" else { throw CLIError.usage("unknown format '\(format)'; use text or json") }
    let experiment = try ExperimentFileDecoder.load(path: args.positional[0], for: .assignment)
    guard let asOfText else {
      throw CLIError.usage("cohort needs --as-of T, the day the cohort is built (e.g. 2026-10-05): inactivity is counted up to it")
    }
    guard let entry = experiment.entry else { throw CLIError.data(EnrollmentError.noEntry(path: experiment.path).description) }
    guard let asOf = CohortBuilder.asOf(asOfText, entry: entry) else {
      throw CLIError.usage("--as-of '\(asOfText)' is not a timestamp; use e.g. 2026-10-05 or 2026-10-05T00:00:00Z")
    }
    guard let out = outPath ?? experiment.inputs?.cohort else {
      throw CLIError.usage("cohort needs --out FILE (or inputs.cohort in the experiment file): the cohort file to create or extend")
    }
    var builder = try CohortBuilder(experiment: experiment, asOf: asOf)
    builder.strict = strict
    builder.contactsPath = contacts
    builder.backfill = args.flag("backfill")
    // Read, decide and append under one lock: a concurrent run waits, then reads these rows.
    let lock: CohortLock
    do {
      lock = try CohortLock.acquire(for: out, timeout: 600) {
        console.err("waiting for another holdout cohort run on \(VisibleText.escaped(out)) to finish\n")
      }
    } catch {
      throw CLIError.output(error.description)
    }
    let result: CohortBuilder.Result
    do {
      result = try builder.build(previousPath: out)
    } catch let error as EnrollmentError {
      throw CLIError.data(error.description)
    }
    do {
      try CohortWriter.append(result.rows, header: result.header, to: out, previousExists: result.previousExists)
    } catch {
      throw CLIError.output("cannot write the cohort: \(error.description)")
    }
    withExtendedLifetime(lock) {}
    let stamp = Timestamp.format(asOf)
    if format == "json" {
      console.out(result.summary.json(experiment: experiment.key, asOf: stamp, output: out) + "\n")
    } else {
      console.err(result.summary.text(asOf: stamp, output: out))
    }
    return 0
  }
}
