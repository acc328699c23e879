#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// Progress on standard error for long runs, only when it is a terminal and `--quiet` is not
/// given: the input being read, bytes read, and the rate, redrawn in place at most 5 times a
/// second. Progress never reaches standard output or any report.
final class ProgressMeter: Sendable {
  let enabled: Bool
  private let console: Console
  private let state = Mutex<(start: Double, last: Double, shown: Bool)>((0, 0, false))

  init(console: Console, enabled: Bool) {
    self.console = console
    self.enabled = enabled
    let now = Self.now()
    state.withLock { $0 = (now, 0, false) }
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// Reports `bytes` read of the input at `path`.
  func update(path: String, bytes: Int) {
    guard enabled else { return }
    let now = Self.now()
    let line: String? = state.withLock { s in
      guard now - s.last >= 0.2 else { return nil }
      s.last = now
      s.shown = true
      let seconds = max(now - s.start, 1e-3)
      let megabytes = Double(bytes) / 1_048_576
      let name = path.split(separator: "/").last.map(String.init) ?? path
      return "\r\u{1B}[Kreading \(name): \(Int(megabytes)) MiB, \(Int(megabytes / seconds)) MiB/s"
    }
    if let line { console.err(line) }
  }

  /// Clears the progress line.
  func finish() {
    guard enabled, state.withLock({ $0.shown }) else { return }
    console.err("\r\u{1B}[K")
  }
}

/// `--threads N`: the number of parsing threads (default: every online core).
enum Threads {
  static func parse(_ text: String?) throws -> Int {
    guard let text else { return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    guard let value = Int(text), value >= 1, value <= 256 else {
      throw CLIError.usage("--threads must be a whole number from 1 to 256, got '\(text)'")
    }
    return value
  }
}
