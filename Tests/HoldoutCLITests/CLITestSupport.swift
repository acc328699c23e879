import HoldoutCLI
import Synchronization

/// Runs the command line in process and captures what it writes.
final class CapturedRun: Sendable {
  private let outBuffer = Mutex("")
  private let errBuffer = Mutex("")
  let status: Int32

  /// Runs `arguments`; `terminal` makes standard error look like a terminal (progress shows).
  init(_ arguments: [String], terminal: Bool = false) {
    let out = Mutex("")
    let err = Mutex("")
    status = Holdout.main(
      arguments: arguments,
      console: Console(
        out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } },
        isTerminal: terminal))
    outBuffer.withLock { $0 = out.withLock { $0 } }
    errBuffer.withLock { $0 = err.withLock { $0 } }
  }

  var out: String { outBuffer.withLock { $0 } }
  var err: String { errBuffer.withLock { $0 } }
}
