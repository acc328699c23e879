import HoldoutCLI
import Synchronization

/// Runs the command line in process and captures what it writes.
final class CapturedRun: Sendable {
  private let outBuffer = Mutex("")
  private let errBuffer = Mutex("")
  let status: Int32

  init(_ arguments: [String]) {
    let out = Mutex("")
    let err = Mutex("")
    status = Holdout.main(
      arguments: arguments,
      console: Console(out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } }))
    outBuffer.withLock { $0 = out.withLock { $0 } }
    errBuffer.withLock { $0 = err.withLock { $0 } }
  }

  var out: String { outBuffer.withLock { $0 } }
  var err: String { errBuffer.withLock { $0 } }
}
