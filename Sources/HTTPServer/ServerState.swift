#if canImport(Glibc)
  import Glibc
#endif

/// The count of open connections and the drain flag, shared by the accepting thread, the
/// connection threads and `stop()`; a condition wakes `waitUntilIdle` when the last one closes.
final class ServerState: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  private var changed = pthread_cond_t()
  private var openCount = 0
  private var drainFlag = false
  private var bufferedBytes = 0

  init() {
    pthread_mutex_init(&mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(&changed, &attributes)
    pthread_condattr_destroy(&attributes)
  }

  deinit {
    pthread_cond_destroy(&changed)
    pthread_mutex_destroy(&mutex)
  }

  private func locked<R>(_ body: () -> R) -> R {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return body()
  }

  var open: Int { locked { openCount } }
  var draining: Bool { locked { drainFlag } }

  /// Whether a new connection gets a slot.
  enum Admission { case admitted, full, draining }

  /// Takes a connection slot, unless the limit is reached or the server drains.
  func admit(limit: Int) -> Admission {
    locked {
      if drainFlag { return .draining }
      guard openCount < limit else { return .full }
      openCount += 1
      return .admitted
    }
  }

  func leave() {
    locked {
      openCount -= 1
      if openCount == 0 { pthread_cond_broadcast(&changed) }
    }
  }

  /// Counts `count` more request bytes held; false (nothing counted) when that would pass `limit`.
  func hold(_ count: Int, limit: Int) -> Bool {
    locked {
      guard bufferedBytes + count <= limit else { return false }
      bufferedBytes += count
      return true
    }
  }

  /// Returns request bytes that are no longer held.
  func release(_ count: Int) {
    guard count > 0 else { return }
    locked { bufferedBytes -= count }
  }

  /// Request bytes held now, across connections.
  var held: Int { locked { bufferedBytes } }

  func beginDrain() {
    locked { drainFlag = true }
  }

  /// Waits until no connection is open, at most `timeoutSeconds`.
  func waitUntilIdle(timeoutSeconds: Double) -> Bool {
    var deadline = timespec()
    clock_gettime(CLOCK_MONOTONIC, &deadline)
    let total = Int(deadline.tv_nsec) + Int(timeoutSeconds * 1e9)
    deadline.tv_sec += total / 1_000_000_000
    deadline.tv_nsec = total % 1_000_000_000
    return locked {
      while openCount > 0 {
        if pthread_cond_timedwait(&changed, &mutex, &deadline) == ETIMEDOUT { return openCount == 0 }
      }
      return true
    }
  }
}

/// A thread that runs one closure and is never joined (pthread, detached, 1 MiB of stack): the
/// server's accepting and connection threads, and the collector's hour closer.
public enum DetachedThread {
  private final class Box {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
  }

  /// False when no thread could be made (out of memory, the process's thread limit).
  @discardableResult
  public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    pthread_attr_setstacksize(&attributes, 1 << 20)
    defer { pthread_attr_destroy(&attributes) }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let created = pthread_create(&thread, &attributes, { raw in
      let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
      box.body()
      return nil
    }, context)
    if created != 0 { Unmanaged<Box>.fromOpaque(context).release() }
    return created == 0
  }

  /// Seconds on the monotonic clock.
  public static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
