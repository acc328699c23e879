import Experiment
import Ingest

/// Errors of the measurement stage: the experiment lacks what the measurement needs, or an
/// input cannot be read or does not fit its description.
public enum MeasurementError: Error, Equatable, CustomStringConvertible {
  /// The experiment file is invalid or lacks something the measurement needs.
  case experiment(ExperimentError)
  /// An input file could not be read.
  case input(IngestError)
  /// An input does not fit its description in the experiment file.
  case invalidInput(path: String, message: String)

  public var description: String {
    switch self {
    case .experiment(let error):
      return error.description
    case .input(let error):
      return error.description
    case .invalidInput(let path, let message):
      return "\(path): \(message)"
    }
  }
}

/// Runs `body`, which reads the input at `path`, and reports any failure as a `MeasurementError`
/// (an `IngestError` becomes `.input`; anything else is an unreadable input).
package func readingInput<T>(path: String, _ body: () throws -> T) throws(MeasurementError) -> T {
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
