#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A value shared between threads, guarded by a pthread mutex.
///
/// Used instead of `Synchronization.Mutex` where several threads take the lock at once (the parse
/// pipeline's queue, the survival statistics' slots): under ThreadSanitizer, accesses made inside
/// two `Mutex.withLock` calls on different threads were reported as data races, which a mutex
/// excludes, so the sanitizer could not check this code. A pthread mutex is one ThreadSanitizer
/// intercepts; the reports are gone with it.
public final class Locked<Value: Sendable>: @unchecked Sendable {
  private var value: Value
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  /// Guards `value`.
  public init(_ value: Value) {
    self.value = value
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with the value while holding the lock.
  public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body(&value)
  }
}
