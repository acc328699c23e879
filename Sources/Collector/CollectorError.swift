#if canImport(Glibc)
  import Glibc
#endif

/// Why the collector could not start or could not store a request. The command line maps
/// `exitCode`; a request handler maps `.storage` and `.diskFull` to a 503 without acknowledging
/// anything.
public enum CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A flag, the secrets file or an address is wrong (exit 64).
  case configuration(String)
  /// An input the collector needs (the secrets file, the reports folder) is missing (exit 66).
  case missingInput(path: String, reason: String)
  /// A file system call failed on the data folder (exit 74; 503 for a request).
  case storage(path: String, operation: String, code: Int32)
  /// The data folder's file system is full: nothing of the request was kept (503).
  case diskFull(path: String)

  /// The sysexits code for the command line.
  public var exitCode: Int32 {
    switch self {
    case .configuration: return 64
    case .missingInput: return 66
    case .storage, .diskFull: return 74
    }
  }

  public var description: String {
    switch self {
    case .configuration(let message):
      return message
    case .missingInput(let path, let reason):
      return "\(path): \(reason)"
    case .storage(let path, let operation, let code):
      return "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code)); check the data folder's permissions and disk"
    case .diskFull(let path):
      return "\(path): the disk is full (nothing was written); free space or move --data"
    }
  }
}
