import Dispatch
import Ingest
import MeasurementModel
import Platforms

/// Chunks waiting to be parsed and batches waiting to be folded, shared by the thread that reads
/// and folds (in file order) and the workers that parse: the events' `ParsedBatch`es and the
/// cohort's `CohortBatch`es.
///
/// No barrier between groups of chunks: a worker takes the oldest unparsed chunk as soon as it is
/// free, and the folding thread folds each batch as soon as it and every batch before it are
/// parsed, parsing chunks itself while the next batch is not ready. The result is the same for
/// any thread count and any timing: parsing is a pure function of the chunk, and folding happens
/// in file order on one thread.
package final class ParsePipeline<Batch: Sendable>: Sendable {
  private struct State: Sendable {
    /// Chunks not yet claimed, oldest first from `head`.
    package var queue: [ChunkReader.Chunk] = []
    package var head = 0
    /// Parsed batches not yet folded, by chunk index (looked up by index only: no order of the
    /// dictionary ever matters).
    package var parsed: [Int: Batch] = [:]
    package var closed = false
  }

  private let state = Locked(State())
  /// One signal per submitted chunk, and one per worker when closed.
  private let work = DispatchSemaphore(value: 0)
  /// One signal per delivered batch.
  private let delivered = DispatchSemaphore(value: 0)
  private let parse: @Sendable (ChunkReader.Chunk) -> Batch

  /// A pipeline whose chunks are parsed by `parse`.
  package init(parse: @escaping @Sendable (ChunkReader.Chunk) -> Batch) {
    self.parse = parse
  }

  /// Queues a chunk for parsing.
  package func submit(_ chunk: sending ChunkReader.Chunk) {
    state.withLock { $0.queue.append(chunk) }
    work.signal()
  }

  /// Takes the oldest chunk nobody has claimed, if any.
  private func claim() -> ChunkReader.Chunk? {
    state.withLock { s in
      guard s.head < s.queue.count else { return nil }
      let chunk = s.queue[s.head]
      s.head += 1
      if s.head >= 64 && s.head * 2 >= s.queue.count {
        s.queue.removeFirst(s.head)
        s.head = 0
      }
      return chunk
    }
  }

  private func deliver(_ batch: sending Batch, index: Int) {
    state.withLock { $0.parsed[index] = batch }
    delivered.signal()
  }

  /// A worker's loop: parses claimed chunks until the pipeline is closed and empty.
  package func runWorker() {
    while true {
      work.wait()
      while let chunk = claim() { deliver(parse(chunk), index: chunk.sequence) }
      if state.withLock({ $0.closed }) { return }
    }
  }

  /// The batch of chunk `index` (submitted earlier), parsing unclaimed chunks on this thread
  /// while it is not ready.
  package func batch(_ index: Int) -> Batch {
    while true {
      if let batch = state.withLock({ $0.parsed.removeValue(forKey: index) }) { return batch }
      if let chunk = claim() {
        if chunk.sequence == index { return parse(chunk) }
        deliver(parse(chunk), index: chunk.sequence)
        continue
      }
      // Every chunk up to `index` is claimed and a worker is parsing the one needed.
      delivered.wait()
    }
  }

  /// Lets `workers` workers stop once the queue is empty.
  package func close(workers: Int) {
    state.withLock { $0.closed = true }
    for _ in 0..<workers { work.signal() }
  }

  /// Parses `first` and every later chunk of `chunks` with `parse` on `threads` threads (this one
  /// included: `threads − 1` workers) and hands each batch over to `consume` in file order, on
  /// this thread. At most `inFlight` chunks are read and not yet consumed, which bounds memory;
  /// `afterRead` is called with the bytes read so far after each round of reading (progress).
  package static func run(
    first: sending ChunkReader.Chunk, rest chunks: inout ChunkReader, threads: Int, inFlight: Int,
    parse: @escaping @Sendable (ChunkReader.Chunk) -> Batch, afterRead: (Int) -> Void,
    consume: (consuming Batch) throws -> Void
  ) throws {
    var pendingFirst: ChunkReader.Chunk? = first
    try run(
      next: {
        if let chunk = pendingFirst.take() { return chunk }
        return try chunks.next()
      }, threads: threads, inFlight: inFlight, parse: parse, afterRead: { afterRead(chunks.bytesRead) },
      consume: consume)
  }

  /// Parses every chunk `next` gives (nil: no more) with `parse` on `threads` threads and hands
  /// each batch to `consume` in the order `next` gave the chunks, on this thread; chunks are
  /// numbered by the pipeline in that order (their `index` in their file is left alone), so
  /// chunks of several files flow through one pipeline. At most `inFlight` chunks are read and
  /// not yet consumed; `afterRead` is called after each round of reading (progress).
  package static func run(
    next: () throws -> ChunkReader.Chunk?, threads: Int, inFlight: Int,
    parse: @escaping @Sendable (ChunkReader.Chunk) -> Batch, afterRead: () -> Void,
    consume: (consuming Batch) throws -> Void
  ) throws {
    let pipeline = ParsePipeline(parse: parse)
    let workers = max(1, threads) - 1
    let group = DispatchGroup()
    if workers > 0 {
      DispatchQueue.global().async(group: group) {
        DispatchQueue.concurrentPerform(iterations: workers) { _ in pipeline.runWorker() }
      }
    }
    defer {
      pipeline.close(workers: workers)
      group.wait()
    }
    var submitted = 0, consumed = 0, finished = false
    repeat {
      while !finished && submitted - consumed < max(1, inFlight) {
        if var chunk = try next() {
          chunk.sequence = submitted
          pipeline.submit(chunk)
          submitted += 1
        } else {
          finished = true
        }
      }
      afterRead()
      guard consumed < submitted else { break }
      // Handed over, not copied: the batch's arrays stay uniquely referenced, so the consumer
      // can change them in place (a shared one would be copied whole on the first change).
      let index = consumed
      consumed += 1
      try consume(pipeline.batch(index))
    } while true
  }
}
