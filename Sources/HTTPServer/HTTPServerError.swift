#if canImport(Glibc)
  import Glibc
#endif

/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `--listen` is not a usable `HOST:PORT`.
  case address(String, String)
  /// A socket call failed (`bind` on a port in use, `listen`).
  case socket(operation: String, address: String, code: Int32)

  public var description: String {
    switch self {
    case .address(let text, let why):
      return "'\(text)' is not a listen address: \(why)"
    case .socket(let operation, let address, let code):
      let hint = code == EADDRINUSE ? "; another process listens there: choose another port" : code == EACCES ? "; ports below 1024 need privileges" : ""
      return "\(operation) on \(address) failed: \(String(cString: strerror(code)))\(hint)"
    }
  }
}
