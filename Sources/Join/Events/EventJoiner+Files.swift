import Dispatch
import Experiment
import Ingest
import MeasurementModel
import Platforms

extension EventJoiner {
  /// Reads `source` once and folds every record into each participant's target, in file order:
  /// the bytes are parsed and each record extracted once, then resolved, de-duplicated and folded
  /// per participant (each has its own cohort, identities, windows and ledger). Participants
  /// must read the source the same way (`SharedJoin.ReadKey`: role, format, fields, time rules).
  /// Participants whose de-duplication table is the same object (the same history of the id
  /// space) share its answers: the set is asked once. `self` gives the threads, chunk size and
  /// progress. Returns each participant's row accounting, one per file, in order.
  ///
  /// A folder or pattern source (`FileTree`) is read file by file in the listing's order, its
  /// line-oriented files as one stream of chunks through one parse pipeline (so many small files
  /// keep every thread busy, with one file open at a time), each file with its own account. A
  /// file of JSON arrays, concatenated documents or Klaviyo pages is read on its own, in order.
  package func join(
    source: SourceSpec, role: Role, participants: [Participant], targets: inout [Target]
  ) throws(MeasurementError) -> [[Reconciliation]] {
    precondition(!participants.isEmpty && participants.count == targets.count)
    let tree = try readingInput(path: source.path) { try FileTree(source.path) }
    let readers = tree.files.map { file in
      var spec = source
      spec.path = file.path
      return SourceReader(spec: spec, role: role, partitions: tree.isTree ? file.partitions : nil)
    }
    let layout = SourceReader(spec: source, role: role).layout
    return try readingInput(path: source.path) {
      var folds: [Fold] = []
      for part in participants {
        let resolver = try IdentityResolver(layout: layout, source: part.source, identities: part.identities)
        folds.append(
          Fold(joiner: part.joiner, source: part.source, role: role, cohort: part.cohort, resolver: resolver, layout: layout))
      }
      let tables = Self.dedupTables(key: Self.dedupKey(role: role, format: source.format, layout: layout), targets: &targets)
      var sharing = Sharing(folds: folds, tables: tables, tree: tree)
      var files = SourceFileStream(tree: tree, readers: readers, chunkSize: chunkSize)
      let totalBytes = tree.isTree ? tree.files.reduce(0) { $0 + $1.size } : nil
      while !files.isDone {
        if let opened = try files.takeSequential() {
          try readSequential(readers[opened.file], opened, sharing: &sharing, targets: &targets)
        } else {
          try readChunks(&files, sharing: &sharing, targets: &targets, totalBytes: totalBytes)
        }
      }
      if tree.isTree {
        let summary = SourceFileSummary(
          role: role.rawValue, path: tree.displayName, format: source.format.rawValue, filesRead: tree.files.count,
          skipped: tree.skippedByReason.map { skip in
            SourceFileSummary.Skip(
              reason: skip.reason.rawValue, count: skip.count,
              examples: Array(tree.skipped.filter { $0.reason == skip.reason }.prefix(SourceFileSummary.exampleLimit).map(\.relative)))
          })
        for j in targets.indices { targets[j].findings.sourceFiles.append(summary) }
      }
      return sharing.accounts()
    }
  }

  /// Reads one sequential file (Klaviyo pages, a JSON array, concatenated documents): the same
  /// steps as a chunk, a batch of up to 65,536 records at a time.
  private func readSequential(
    _ reader: SourceReader, _ opened: SourceFileStream.Opened, sharing: inout Sharing, targets: inout [Target]
  ) throws {
    sharing.advance(toFile: opened.file)
    let resolvers = sharing.folds.map(\.recordResolver)
    func fresh() -> [ParsedBatch] {
      var batch = ParsedBatch()
      batch.file = opened.file
      return [ParsedBatch](repeating: batch, count: resolvers.count)
    }
    var batches = fresh()
    func flush() throws {
      var full = fresh()
      swap(&full, &batches)
      for j in full.indices { resolvers[j].finish(&full[j]) }
      try sharing.consume(consume full, targets: &targets, inputBytes: nil)
    }
    try reader.forEachRecord(opened.json) { record, extraction in
      for j in batches.indices { resolvers[j].append(record, extraction, lineOffset: 0, to: &batches[j]) }
      if batches[0].records.count >= 1 << 16 { try flush() }
      return true
    }
    try flush()
  }

  /// Reads the line-oriented files from the stream's current one up to the next sequential file
  /// (or the end) in chunks: `threads − 1` workers parse chunks (into one `ParsedBatch` per
  /// participant, with every read-only lookup done) while this thread reads ahead, folds the
  /// batches in order and, whenever the next batch is not parsed yet, parses a waiting chunk
  /// itself (`ParsePipeline`). At most `chunksPerThread` chunks a thread are read and not yet
  /// folded, which bounds memory. The result is identical for any thread count: the fold sees
  /// the batches in file order.
  private func readChunks(
    _ files: inout SourceFileStream, sharing: inout Sharing, targets: inout [Target], totalBytes: Int?
  ) throws {
    let threads = max(1, self.threads)
    let resolvers = sharing.folds.map(\.recordResolver)
    let context = files.context
    let expected = totalBytes ?? files.expectedBytes
    @Sendable func parse(_ chunk: ChunkReader.Chunk) -> [ParsedBatch] {
      let reader = context.readers[chunk.file]
      func empty() -> ParsedBatch {
        var batch = ParsedBatch()
        batch.linesBefore = chunk.linesBefore
        batch.bytes = chunk.bytes.count
        batch.file = chunk.file
        return batch
      }
      do {
        var batches: [ParsedBatch]
        let sawLine: Bool
        let header = reader.spec.format.isCSV ? context.header(chunk.file) : nil
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
      next: { try files.nextChunk() }, threads: threads, inFlight: threads * Self.chunksPerThread, parse: parse,
      afterRead: { progress?(files.bytesRead, expected) }
    ) { (batches: consuming [ParsedBatch]) in
      sawLine = sawLine || batches[0].sawLine
      try sharing.consume(consume batches, targets: &targets, inputBytes: expected)
    }
    // One file named directly must hold something; in a folder an empty file is just counted.
    if !files.isTree, let only = context.readers.first {
      if only.spec.format.isCSV ? context.header(0) == nil : !sawLine { throw IngestError.emptyFile(path: only.spec.path) }
    }
  }
}
