#if canImport(Glibc)
  import Glibc
#endif
import HTTPServer
import Ingest

/// A thread that closes the store's files of finished hours (`EventStore.closeFinishedHours`)
/// every few seconds, so an hour becomes visible to reports `EventStore.Options.closeGrace` after
/// it ends even when no request arrives after it.
public final class HourCloser: @unchecked Sendable {
  let store: EventStore
  let log: @Sendable (String) -> Void
  private let stopped = Locked((requested: false, finished: false))
  /// How often the files are looked at, in seconds.
  static let period = 5

  public init(store: EventStore, log: @escaping @Sendable (String) -> Void) {
    self.store = store
    self.log = log
  }

  public func start() {
    let closer = self
    if !DetachedThread.start(name: "hours", { closer.loop() }) {
      log("could not start the thread that closes finished hours; files close at shutdown")
    }
  }

  /// Asks the thread to end and waits for it (at most one period).
  public func stop() {
    stopped.withLock { $0.requested = true }
    for _ in 0..<(Self.period * 20 + 20) {
      if stopped.withLock({ $0.finished }) { return }
      usleep(50_000)
    }
  }

  private func loop() {
    var ticks = 0
    while !stopped.withLock({ $0.requested }) {
      usleep(50_000)
      ticks += 1
      guard ticks % (Self.period * 20) == 0 else { continue }
      do { try store.closeFinishedHours(now: EventStore.now()) } catch {
        log("closing a finished hour failed: \(error.description)")
      }
    }
    stopped.withLock { $0.finished = true }
  }
}
