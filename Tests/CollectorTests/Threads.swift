#if canImport(Glibc)
  import Glibc
#endif

/// Runs code on real threads at once (not Dispatch's pool, which the 2-core test machines cap
/// at two), so tests see dozens of callers contend.
enum Threads {
  /// Starts `count` pthreads running `body(index)` and waits for all of them.
  static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    final class Work: Sendable {
      let index: Int
      let body: @Sendable (Int) -> Void
      init(_ index: Int, _ body: @escaping @Sendable (Int) -> Void) {
        self.index = index
        self.body = body
      }
    }
    var threads: [pthread_t] = []
    for index in 0..<count {
      var thread = pthread_t()
      let work = Unmanaged.passRetained(Work(index, body)).toOpaque()
      let started = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
          work.body(work.index)
          return nil
        }, work)
      precondition(started == 0, "pthread_create failed: \(started)")
      threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
  }
}
