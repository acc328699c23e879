#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Ingest
import Synchronization

/// Where commands write: standard output and standard error, injectable for tests.
public struct Console: Sendable {
  /// Writes to standard output.
  public let out: @Sendable (String) -> Void
  /// The raw standard-error sink.
  private let errSink: @Sendable (String) -> Void

  /// True when standard error is a terminal (progress is shown only there).
  public let isTerminal: Bool

  /// Why standard output could not be written (`error:` text without the prefix), once a write
  /// to it failed; nil while none did. `Holdout.main` then exits 74 with this message.
  public let outputFailure: @Sendable () -> String?

  /// A console with custom sinks (never a terminal); `outputFailure` says whether `out` failed.
  public init(
    out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTerminal: Bool = false,
    outputFailure: @escaping @Sendable () -> String? = { nil }
  ) {
    self.out = out
    self.errSink = err
    self.isTerminal = isTerminal
    self.outputFailure = outputFailure
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
  ///
  /// Standard output closed by its reader (EPIPE, as in `holdout report … | head -1`) ends the
  /// process by SIGPIPE, silently, as Unix tools do, whether or not SIGPIPE is ignored. Any
  /// other failed write to it (a full disk, a closed descriptor) stops further output and is
  /// reported by `outputFailure`. A failed write to standard error is dropped: there is nowhere
  /// left to say it.
  public static let standard = Console(
    out: { text in
      guard StandardOutput.failure.withLock({ $0 }) == 0 else { return }
      let code = writeAll(1, text)
      if code == EPIPE {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
      }
      if code != 0 { StandardOutput.failure.withLock { if $0 == 0 { $0 = code } } }
    },
    err: { text in
      _ = writeAll(2, text)
    },
    isTerminal: isatty(2) == 1,
    outputFailure: {
      let code = StandardOutput.failure.withLock { $0 }
      return code == 0 ? nil : IngestError.writing("standard output", errno: code).description
    })
}

/// The first failed write to the process's standard output (its `errno`), 0 while none failed.
private enum StandardOutput {
  static let failure = Mutex<Int32>(0)
}

/// Writes all of `text` to file descriptor `fd`, retrying short writes; returns 0, or the
/// `errno` of the write that failed.
private func writeAll(_ fd: Int32, _ text: String) -> Int32 {
  let bytes = Array(text.utf8)
  return bytes.withUnsafeBytes { raw -> Int32 in
    var offset = 0
    while offset < raw.count {
      let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += n
    }
    return 0
  }
}
