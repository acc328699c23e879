import Ingest

/// Errors of the measurement stage: an invalid experiment file, or an input that cannot be read.
public enum MeasurementError: Error, Equatable, CustomStringConvertible {
  /// The experiment file is invalid: `key` is the JSON path of the offending value.
  case invalidExperiment(path: String, line: Int, key: String, message: String)
  /// The experiment file lacks something the requested command needs.
  case missingForCommand(path: String, key: String, command: String)
  /// An input file could not be read.
  case input(IngestError)
  /// An input does not fit its description in the experiment file.
  case invalidInput(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidExperiment(let path, let line, let key, let message):
      return "\(path):\(line): '\(key)': \(message)"
    case .missingForCommand(let path, let key, let command):
      return "\(path): '\(key)' is required by '\(command)'; add it to the experiment file (see docs/experiment-file.md)"
    case .input(let error):
      return error.description
    case .invalidInput(let path, let message):
      return "\(path): \(message)"
    }
  }
}

/// Runs `body`, which reads the input at `path`, and reports any failure as a `MeasurementError`
/// (an `IngestError` becomes `.input`; anything else is an unreadable input).
func readingInput<T>(path: String, _ body: () throws -> T) throws(MeasurementError) -> T {
  do {
    return try body()
  } catch let error as MeasurementError {
    throw error
  } catch let error as IngestError {
    throw .input(error)
  } catch {
    throw .input(.unreadable(path: path, reason: "\(error)"))
  }
}
