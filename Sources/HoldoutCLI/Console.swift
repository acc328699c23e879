#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Ingest

/// Where commands write: standard output and standard error, injectable for tests.
public struct Console: Sendable {
  /// Writes to standard output.
  public let out: @Sendable (String) -> Void
  /// The raw standard-error sink.
  private let errSink: @Sendable (String) -> Void

  /// True when standard error is a terminal (progress is shown only there).
  public let isTerminal: Bool

  /// A console with custom sinks (never a terminal).
  public init(
    out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTerminal: Bool = false
  ) {
    self.out = out
    self.errSink = err
    self.isTerminal = isTerminal
  }

  /// Writes a message to standard error with every control character but the line feed, and
  /// every bidi override, shown as a visible escape (`VisibleText`): messages quote file
  /// headers, ids and paths, and raw bytes from them must not act on the user's terminal.
  public func err(_ text: String) {
    errSink(VisibleText.escaped(text, keepingNewlines: true))
  }

  /// Writes the progress line's own terminal controls (carriage return, erase line) unescaped.
  func progress(_ text: String) {
    errSink(text)
  }

  /// The process's real standard output and error.
  public static let standard = Console(
    out: { text in
      writeAll(1, text)
    },
    err: { text in
      writeAll(2, text)
    },
    isTerminal: isatty(2) == 1)
}

/// Writes all of `text` to file descriptor `fd`, retrying short writes.
private func writeAll(_ fd: Int32, _ text: String) {
  let bytes = Array(text.utf8)
  bytes.withUnsafeBytes { raw in
    var offset = 0
    while offset < raw.count {
      let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        return
      }
      offset += n
    }
  }
}
