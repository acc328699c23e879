import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction

/// Errors of the command line, each mapped to a sysexits code.
///
/// 64 (EX_USAGE) bad arguments; 65 (EX_DATAERR) invalid experiment file or input data;
/// 66 (EX_NOINPUT) an input that does not exist or cannot be opened; 74 (EX_IOERR) a failed write.
public enum CLIError: Error, CustomStringConvertible {
  /// The command line is wrong.
  case usage(String)
  /// The experiment file cannot be read, is invalid, or lacks what the command needs.
  case experiment(ExperimentError)
  /// A measurement-stage error.
  case measurement(MeasurementError)
  /// An input error outside measurement.
  case input(IngestError)
  /// Writing output failed.
  case output(String)
  /// Invalid input data outside measurement, already saying where (`file:line: …`).
  case data(String)

  /// The process exit code.
  public var exitCode: Int32 {
    switch self {
    case .usage: return 64
    case .output: return 74
    case .data: return 65
    case .experiment(.input(let error)), .measurement(.input(let error)), .measurement(.experiment(.input(let error))),
      .input(let error):
      return Self.code(error)
    case .experiment, .measurement: return 65
    }
  }

  private static func code(_ error: IngestError) -> Int32 {
    switch error {
    case .fileNotFound, .unreadable, .notAFile, .noFiles: return 66
    case .unwritable: return 74
    default: return 65
    }
  }

  public var description: String {
    switch self {
    case .usage(let message): return message + " (run 'holdout help' for usage)"
    case .experiment(let error): return error.description
    case .measurement(let error): return error.description
    case .input(let error): return error.description
    case .output(let message): return message
    case .data(let message): return message
    }
  }
}
