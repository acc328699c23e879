import Ingest
import MeasurementModel
import Platforms

extension EventJoiner {
  /// The per-experiment side of one read (`join(source:role:participants:targets:)`): each
  /// participant's fold and de-duplication table, and which participant asks each table.
  package struct Sharing {
    package var folds: [Fold]
    package let tables: [DedupTable]
    /// For each participant, the first participant with the same table: it asks the set, and
    /// the others copy its answers (their records are the same records, in the same order).
    package let asker: [Int]
    /// Whether each table has been sized for this read yet (`reserve`).
    private var reserved: [Bool]

    package init(folds: [Fold], tables: [DedupTable]) {
      self.folds = folds
      self.tables = tables
      asker = tables.indices.map { j in tables.firstIndex { $0 === tables[j] } ?? j }
      reserved = tables.map { _ in false }
    }

    /// The parsed batches of one chunk, one per participant (each appended from the same
    /// records), de-duplicated and folded into each participant's target.
    package mutating func consume(_ batches: consuming [ParsedBatch], targets: inout [Target], inputBytes: Int?) throws {
      for j in batches.indices where asker[j] == j {
        if !reserved[j] {
          reserved[j] = true
          EventJoiner.reserve(&tables[j].set, for: batches[j], inputBytes: inputBytes)
        }
        EventJoiner.deduplicate(&batches[j], in: &tables[j].set)
      }
      for j in batches.indices where asker[j] != j {
        let answers = batches[asker[j]].records
        batches[j].records.withUnsafeMutableBufferPointer { records in
          for k in records.indices { records[k].dedupResult = answers[k].dedupResult }
        }
      }
      for j in batches.indices { try folds[j].consume(batches[j], target: &targets[j]) }
    }
  }

  /// Reads a line-oriented source (`source`, opened from its start) in chunks: `threads − 1`
  /// workers parse chunks (into one `ParsedBatch` per participant, with every read-only lookup
  /// done) while this thread reads ahead, folds the batches in file order and, whenever the next
  /// batch is not parsed yet, parses a waiting chunk itself (`ParsePipeline`). At most
  /// `chunksPerThread` chunks a thread are read and not yet folded, which bounds memory. The
  /// result is identical for any thread count: the fold sees the batches in file order.
  package func readChunks(
    _ reader: SourceReader, _ source: ByteSource, sharing: inout Sharing, targets: inout [Target]
  ) throws {
    var chunks = ChunkReader(source: source, csvQuotes: reader.spec.format.isCSV, chunkSize: chunkSize)
    let threads = max(1, self.threads)
    let expectedBytes = chunks.expectedBytes
    guard let first = try chunks.next() else {
      progress?(chunks.bytesRead, expectedBytes)
      throw IngestError.emptyFile(path: reader.spec.path)
    }
    let header = reader.spec.format.isCSV ? try reader.csvHeader(first) : nil
    let resolvers = sharing.folds.map(\.recordResolver)
    @Sendable func parse(_ chunk: ChunkReader.Chunk) -> [ParsedBatch] {
      func empty() -> ParsedBatch {
        var batch = ParsedBatch()
        batch.linesBefore = chunk.linesBefore
        batch.bytes = chunk.bytes.count
        return batch
      }
      do {
        var batches: [ParsedBatch]
        let sawLine: Bool
        if resolvers.count == 1 {
          // One experiment (every `report` of one file): no inner loop on the hot path.
          let resolver = resolvers[0]
          var batch = empty()
          batch.reserve(for: chunk)
          sawLine = try reader.forEachRecord(in: chunk, header: header) { record, extraction in
            resolver.append(record, extraction, lineOffset: 0, to: &batch)
            return true
          }
          batches = [batch]
        } else {
          batches = resolvers.map { _ in
            var batch = empty()
            batch.reserve(for: chunk)
            return batch
          }
          // Unretained references: a reference taken from the array per record would be retained
          // and released, on a counter every thread writes.
          let unretained = resolvers.map { Unmanaged.passUnretained($0) }
          sawLine = try batches.withUnsafeMutableBufferPointer { batches in
            try reader.forEachRecord(in: chunk, header: header) { record, extraction in
              for j in unretained.indices {
                unretained[j]._withUnsafeGuaranteedRef { $0.append(record, extraction, lineOffset: 0, to: &batches[j]) }
              }
              return true
            }
          }
        }
        for j in batches.indices {
          batches[j].sawLine = sawLine
          resolvers[j].finish(&batches[j])
        }
        return batches
      } catch {
        var batch = empty()
        batch.failure = error as? IngestError ?? .unreadable(path: reader.spec.path, reason: "\(error)")
        return resolvers.map { _ in batch }
      }
    }
    var sawLine = false
    try ParsePipeline.run(
      first: first, rest: &chunks, threads: threads, inFlight: threads * Self.chunksPerThread, parse: parse,
      afterRead: { progress?($0, expectedBytes) }
    ) { (batches: consuming [ParsedBatch]) in
      sawLine = sawLine || batches[0].sawLine
      try sharing.consume(consume batches, targets: &targets, inputBytes: expectedBytes)
    }
    if reader.spec.format.isCSV ? header == nil : !sawLine {
      throw IngestError.emptyFile(path: reader.spec.path)
    }
  }
}
