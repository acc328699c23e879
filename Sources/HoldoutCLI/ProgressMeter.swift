#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import Synchronization
import TextOutput

/// Progress on standard error for long runs, only when it is a terminal and `--quiet` is not
/// given: the phase (loading the cohort, reading an input, computing statistics), and while an
/// input is read its bytes, its size and share when known, and the rate, redrawn in place at most
/// 5 times a second. Progress never reaches standard output or any report.
final class ProgressMeter: Sendable {
  let enabled: Bool
  private let console: Console
  private struct State {
    var last: Double = 0
    var shown = false
    /// A prefix for every line (`week 3 of 9: ` while `--weekly` re-measures past weeks).
    var label = ""
    /// The input being read, when and at how many bytes it was first reported (for its rate).
    var path = ""
    var pathStart: Double = 0
    var pathBytes = 0
  }
  private let state = Mutex(State())

  init(console: Console, enabled: Bool) {
    self.console = console
    self.enabled = enabled
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// Sets the prefix of the following lines.
  func label(_ text: String) {
    state.withLock { $0.label = text }
  }

  /// Shows `progress`: a new phase or input at once, progress within an input at most 5 times a
  /// second.
  func update(_ progress: MeasurementProgress) {
    guard enabled else { return }
    let now = Self.now()
    let line: String? = state.withLock { s in
      var rate: Double? = nil
      if case .reading(let path, let bytes, _) = progress {
        if path != s.path {
          (s.path, s.pathStart, s.pathBytes) = (path, now, bytes)
        } else {
          guard now - s.last >= 0.2 else { return nil }
          if bytes > s.pathBytes { rate = Double(bytes - s.pathBytes) / max(now - s.pathStart, 1e-3) }
        }
      } else {
        s.path = ""
      }
      s.last = now
      s.shown = true
      return "\r\u{1B}[K" + VisibleText.escaped(s.label + Self.describe(progress, bytesPerSecond: rate))
    }
    if let line { console.progress(line) }
  }

  /// One progress line (without the redraw prefix): `reading events.csv: 512 of 1,154 MiB (44%),
  /// 140 MiB/s`. The size and share appear when the input's size is known, the rate once it
  /// has been measured.
  static func describe(_ progress: MeasurementProgress, bytesPerSecond: Double?) -> String {
    func name(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
    // Whole MiB, or tenths for an input under 10 MiB.
    func mebibytes(_ bytes: Int, scale: Int) -> String {
      scale < 10 << 20 ? NumberFormat.grouped(Double(bytes) / 1_048_576, 1) : NumberFormat.grouped(bytes >> 20)
    }
    switch progress {
    case .cohort(let path):
      return "loading cohort \(name(path))"
    case .reading(let path, let bytes, let total):
      let scale = max(total ?? bytes, bytes)
      var text = "reading \(name(path)): \(mebibytes(bytes, scale: scale))"
      if let total, total > 0 {
        text += " of \(mebibytes(total, scale: scale)) MiB (\(min(100, bytes * 100 / total))%)"
      } else {
        text += " MiB"
      }
      if let bytesPerSecond { text += ", \(NumberFormat.grouped(Int(bytesPerSecond) >> 20)) MiB/s" }
      return text
    case .statistics:
      return "computing statistics"
    }
  }

  /// Clears the progress line.
  func finish() {
    guard enabled, state.withLock({ $0.shown }) else { return }
    console.progress("\r\u{1B}[K")
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
