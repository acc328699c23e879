import Ingest
import Measurement

/// The `holdout` command line: parses arguments, runs a command and maps errors to exit codes.
///
/// Testable in process: `Holdout.main(arguments:console:)` takes the arguments (without the
/// program name) and an injectable console, and returns the exit code.
public enum Holdout {
  /// The version printed by `holdout --version`.
  public static let version = "0.1.0"

  /// Runs the command line and returns the process exit code.
  public static func main(arguments: [String], console: Console = .standard) -> Int32 {
    guard let command = arguments.first else {
      console.err(usage)
      return 64
    }
    let rest = Array(arguments.dropFirst())
    do {
      switch command {
      case "report": return try ReportCommand.run(rest, console: console)
      case "assign": return try AssignCommand.run(rest, console: console)
      case "simulate": return try SimulateCommand.run(rest, console: console)
      case "stats": return try StatsCommand.run(rest, console: console)
      case "plan": return try PlanCommand.run(rest, console: console)
      case "inspect": return try InspectCommand.run(rest, console: console)
      case "validate": return try ValidateCommand.run(rest, console: console)
      case "help", "--help", "-h":
        console.out(usage)
        return 0
      case "--version", "version":
        console.out("holdout \(version)\n")
        return 0
      default:
        throw CLIError.usage("unknown command '\(command)'")
      }
    } catch let error as CLIError {
      console.err("error: \(error.description)\n")
      return error.exitCode
    } catch let error as MeasurementError {
      let wrapped = CLIError.measurement(error)
      console.err("error: \(wrapped.description)\n")
      return wrapped.exitCode
    } catch let error as IngestError {
      let wrapped = CLIError.input(error)
      console.err("error: \(wrapped.description)\n")
      return wrapped.exitCode
    } catch {
      console.err("error: \(error)\n")
      return 70
    }
  }

  /// The usage text.
  public static let usage = """
    holdout: measure what a lifecycle-marketing journey caused, with a randomized holdout.

    Usage:
      holdout report EXPERIMENT [--as-of T] [--out DIR] [--format md,json,html] [--check] [--strict]
                [--threads N] [--quiet] [--weekly]
          Measure the experiment and write report.md, report.json and report.html into DIR (Markdown to
          standard output without --out). --check compares with the files in DIR instead and
          exits 1 with a line diff when they differ. --strict stops at the first bad row.
          --threads N parses with N threads (default: all cores; the report is identical for any
          N); progress shows on a terminal unless --quiet. --weekly adds a history: one row per
          week since the first entry (users, lift and interval as of that week, what changed).
      holdout report DIR --out OUT [same options]
          Report every experiment file in DIR into OUT/<key>/ and write OUT/index.md and
          OUT/index.html (status, primary lift, incremental totals, program total).
      holdout validate EXPERIMENT [--as-of T] [--format md|json] [--threads N] [--quiet]
          Run the journey's data-quality checks (SRM, holdout contamination, reach, recorded
          split, several arms, platform holdout markers, identity collisions, duplicates,
          unreadable rows, implausible dates, pre-period balance); exit 1 when any fails.
          Thresholds: the experiment file's "validation" object.
      holdout assign EXPERIMENT --id ID
          Print the arm of one user id.
      holdout assign EXPERIMENT --users FILE [--out FILE | --split DIR]
      holdout assign EXPERIMENT --benchmark N   (ids per second on one core; for bench/)
          Write user_id,arm,bucket for every id in FILE (a CSV with a user_id column), to
          standard output, to FILE, or one file per arm into DIR.
      holdout simulate --users N --seed S [--lift L] [--as-of T] [--scenario S]
                [--activity A] [--sends] --out DIR
          Write a synthetic experiment with planted effects: winback (Holdout CSV; --lift 0:
          an A/A test) or cart-recovery (Customer.io webhooks + Amplitude export, gzipped).
          --activity multiplies session rates, --sends adds *_sent message events (benchmarks).
      holdout stats FILE.csv --control ARM [--format md|json] [--alpha A] [--sequential]
                [--tuning N] [--correction holm|benjamini_hochberg|none]
          Compare arms from per-arm sums (metric,kind,arm,n,sum,sum_squares[,pre_sum,
          pre_sum_squares,sum_product]), the form a warehouse query returns.
      holdout plan --baseline P --mde R --holdout H [--arms K] [--alpha A] [--power B]
      holdout plan --mean M --sd S --mde R --holdout H [...]
      holdout plan (--baseline P | --mean M --sd S) --users N --holdout H [...]
          Users needed to detect a relative effect R (or, with --users, the detectable effect).
      holdout inspect FILE [--format F] [--rows N] [--identities FILE [--unit COLUMN]]
                [--role messages|events] [--event NAME] [--timezone TZ] [--summary]
      holdout inspect --experiment EXPERIMENT [--rows N] [--summary]
          Show how Holdout reads an export: its format (guessed from the first record unless
          given), the field mapping, and the first N records as parsed (default 10). Formats:
          holdout, csv, jsonl, customerio, customerio_csv, braze, iterable, iterable_csv,
          klaviyo, amplitude, mixpanel, segment. Files may be gzip-compressed; - is stdin.
          --summary also counts every record of the whole file by outcome.
      holdout help | --version

    Exit codes: 0 ok, 1 check failed, 64 usage, 65 bad data or configuration, 66 missing input,
    74 I/O error. See README.md and docs/.

    """
}
