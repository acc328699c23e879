import Dispatch

extension Array where Element: Sendable {
  /// `map(transform)`, with the elements taken `chunk` at a time on the cores
  /// (`DispatchQueue.concurrentPerform`) when `threads` > 1 and there is more than one chunk. The
  /// result is in the elements' order, the same array `map` gives, for any thread count.
  package func mapInOrder<T: Sendable>(threads: Int, chunk: Int, _ transform: @Sendable (Element) -> T) -> [T] {
    guard threads > 1 && count > chunk else { return map(transform) }
    let chunks = (count + chunk - 1) / chunk
    let parts = Locked([[T]](repeating: [], count: chunks))
    DispatchQueue.concurrentPerform(iterations: chunks) { k in
      let part = self[k * chunk..<Swift.min(count, (k + 1) * chunk)].map(transform)
      parts.withLock { $0[k] = part }
    }
    return parts.withLock { $0 }.flatMap { $0 }
  }
}
