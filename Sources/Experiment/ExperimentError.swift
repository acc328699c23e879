import Ingest

/// Errors of reading an experiment file: it cannot be read, it is invalid, or it lacks what a
/// command needs.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
  /// The experiment file is invalid: `key` is the JSON path of the offending value.
  case invalidExperiment(path: String, line: Int, key: String, message: String)
  /// The experiment file lacks something the requested command needs.
  case missingForCommand(path: String, key: String, command: String)
  /// The experiment file could not be read or parsed.
  case input(IngestError)

  public var description: String {
    switch self {
    case .invalidExperiment(let path, let line, let key, let message):
      return "\(path):\(line): '\(key)': \(message)"
    case .missingForCommand(let path, let key, let command):
      return "\(path): '\(key)' is required by '\(command)'; add it to the experiment file (see docs/experiment-file.md)"
    case .input(let error):
      return error.description
    }
  }
}
