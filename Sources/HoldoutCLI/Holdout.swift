import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Warehouse
import WarehouseSQL

/// The `holdout` command line: parses arguments, runs a command and maps errors to exit codes.
///
/// Testable in process: `Holdout.main(arguments:console:)` takes the arguments (without the
/// program name) and an injectable console, and returns the exit code.
public enum Holdout {
  /// The version printed by `holdout --version`.
  public static let version = "0.1.0"

  /// Runs the command line and returns the process exit code.
  ///
  /// `holdout COMMAND -h` / `--help` (anywhere before `--`) and `holdout help COMMAND` print the
  /// command's help and exit 0; usage errors name the command's help. A failed write to
  /// standard output (a full disk, a closed descriptor) turns any result into exit 74 with one
  /// `error:` line.
  public static func main(arguments: [String], console: Console = .standard) -> Int32 {
    let code = run(arguments: arguments, console: console)
    guard let failure = console.outputFailure() else { return code }
    console.err("error: \(failure)\n")
    return 74
  }

  /// Runs one command; `main` adds the check of standard output.
  private static func run(arguments: [String], console: Console) -> Int32 {
    guard let command = arguments.first else {
      console.err(usage)
      return 64
    }
    let rest = Array(arguments.dropFirst())
    if let help = CommandHelp.named(command), rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
      console.out(help.text)
      return 0
    }
    do {
      switch command {
      case "report": return try ReportCommand.run(rest, console: console)
      case "assign": return try AssignCommand.run(rest, console: console)
      case "simulate": return try SimulateCommand.run(rest, console: console)
      case "stats": return try StatsCommand.run(rest, console: console)
      case "plan": return try PlanCommand.run(rest, console: console)
      case "inspect": return try InspectCommand.run(rest, console: console)
      case "validate": return try ValidateCommand.run(rest, console: console)
      case "cohort": return try CohortCommand.run(rest, console: console)
      case "sql": return try SQLCommand.run(rest, console: console)
      case "serve": return try ServeCommand.run(rest, console: console)
      case "help", "--help", "-h":
        guard let topic = rest.first else {
          console.out(usage)
          return 0
        }
        guard let help = CommandHelp.named(topic), rest.count == 1 else {
          throw CLIError.usage("help takes one command name: \(CommandHelp.all.map(\.name).joined(separator: ", "))")
        }
        console.out(help.text)
        return 0
      case "--version", "version":
        console.out("holdout \(version)\n")
        return 0
      default:
        let known = CommandHelp.all.map(\.name) + ["help", "version"]
        let nearest = known.min { CommandHelp.editDistance(Array(command.utf8), Array($0.utf8)) < CommandHelp.editDistance(Array(command.utf8), Array($1.utf8)) }
        let hint = nearest.flatMap { CommandHelp.editDistance(Array(command.utf8), Array($0.utf8)) <= 2 ? "; did you mean '\($0)'?" : nil } ?? ""
        throw CLIError.usage("unknown command '\(command)'\(hint)")
      }
    } catch let error as CLIError {
      if case .usage(let message) = error, let help = CommandHelp.named(command) {
        console.err("error: \(message) (run 'holdout \(help.name) --help' for its usage)\n")
      } else {
        console.err("error: \(error.description)\n")
      }
      return error.exitCode
    } catch let error as ExperimentError {
      let wrapped = CLIError.experiment(error)
      console.err("error: \(wrapped.description)\n")
      return wrapped.exitCode
    } catch let error as MeasurementError {
      let wrapped = CLIError.measurement(error)
      console.err("error: \(wrapped.description)\n")
      return wrapped.exitCode
    } catch let error as WarehouseError {
      console.err("error: \(error.description)\n")
      return 65
    } catch let error as IngestError {
      let wrapped = CLIError.input(error)
      console.err("error: \(wrapped.description)\n")
      return wrapped.exitCode
    } catch {
      console.err("error: \(error)\n")
      return 70
    }
  }

  /// The overview printed by `holdout help`: every command's usage and first sentence, from
  /// the same descriptions as each command's `--help`.
  public static var usage: String {
    var out = "holdout: measure what a lifecycle-marketing journey caused, with a randomized holdout.\n\nCommands:\n"
    for command in CommandHelp.all {
      for line in command.usage { out += "  holdout \(line)\n" }
      let words = command.summary.split(separator: " ")
      let end = words.firstIndex { $0.hasSuffix(".") } ?? words.count - 1
      let first = words[...end].joined(separator: " ")
      out += CommandHelp.wrap(first, indent: "      ") + "\n"
    }
    out += "  holdout help [COMMAND] | holdout COMMAND --help | holdout --version\n\n"
    out += "Run 'holdout COMMAND --help' for a command's options and examples.\n"
    out += "Exit codes: 0 ok, 1 check failed, 64 usage, 65 bad data or configuration, 66 missing input,\n"
    out += "74 I/O error. See README.md and docs/.\n"
    return out
  }
}
