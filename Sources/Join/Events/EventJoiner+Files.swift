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
    var tree = try readingInput(path: source.path) { try trees?.tree(for: source.path) ?? FileTree(source.path, threads: threads) }
    let layout = SourceReader(spec: source, role: role).layout
    var pruned: [String] = []
    if prunes {
      let folds = try participants.map { part throws(MeasurementError) in
        Fold(
          joiner: part.joiner, source: part.source, role: role, cohort: part.cohort,
          resolver: try readingInput(path: source.path) {
            try IdentityResolver(layout: layout, source: part.source, identities: part.identities)
          }, layout: layout)
      }
      pruned = Self.prune(&tree, source: source, folds: folds)
    }
    let readers = tree.files.map { SourceReader(spec: source, role: role, file: $0, in: tree) }
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
        var skipped = tree.skippedByReason.map { skip in
          SourceFileSummary.Skip(
            reason: skip.reason.rawValue, count: skip.count,
            examples: Array(tree.skipped.filter { $0.reason == skip.reason }.prefix(SourceFileSummary.exampleLimit).map(\.relative)))
        }
        if !pruned.isEmpty {
          // Named by event type (a handful), not by file (thousands).
          var types: [(String, Int)] = []
          for type in pruned {
            if let k = types.firstIndex(where: { $0.0 == type }) { types[k].1 += 1 } else { types.append((type, 1)) }
          }
          skipped.append(
            SourceFileSummary.Skip(
              reason: Self.prunedReason, count: pruned.count,
              examples: types.sorted { $0.0 < $1.0 }.map { "\($0.0) (\($0.1) file\($0.1 == 1 ? "" : "s"))" }))
        }
        let summary = SourceFileSummary(
          role: role.rawValue, path: tree.displayName, format: source.format.rawValue, filesRead: tree.files.count,
          skipped: skipped)
        for j in targets.indices { targets[j].findings.sourceFiles.append(summary) }
      }
      return sharing.accounts()
    }
  }

  /// Why a pruned file was not read, in reports.
  package static let prunedReason = "pruned: its event type folder names no event the experiment uses"

  /// Removes from `tree` the files that provably hold no record any participant can use, and
  /// returns their event types (one per file). Today one proof is used: a format whose files hold one event type each, named
  /// by a folder (`PlatformFormat.eventFolderKey`: Braze Currents' `event_type=`), when no
  /// participant measures that event, is exposed by it or reads it as a holdout marker. Every
  /// record of such a file would end as "event not measured" (or earlier: rejected, duplicate,
  /// after `as_of`, not in the cohort); no sum, finding about used rows or exposure depends on
  /// them. Not done when the source names a constant event (`"event"`), which overrides folders.
  ///
  /// The folder's `date=` (the hour Braze *queued* the event) is not used: an event is queued
  /// after it happens, so a file can hold events from any time before its hour (a device that
  /// was offline), and only files queued before everything the experiment reads could be pruned;
  /// the exposures-before-entry check counts deliveries of any age, so even those matter.
  static func prune(_ tree: inout FileTree, source: SourceSpec, folds: [Fold]) -> [String] {
    guard tree.isTree, source.event == nil, let key = PlatformFormat.of(source.format).eventFolderKey else { return [] }
    var kept: [FileTree.File] = []
    var pruned: [String] = []
    var decided: [String: Bool] = [:]
    for file in tree.files {
      guard let type = file.partitions.last(where: { $0.key == key })?.value else {
        kept.append(file)
        continue
      }
      let wanted = decided[type] ?? {
        let wanted = folds.contains { $0.wants(event: type) }
        decided[type] = wanted
        return wanted
      }()
      if wanted { kept.append(file) } else { pruned.append(type) }
    }
    tree.keep(kept)
    return pruned
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
    try reader.forEachRecord(opened.opened) { record, extraction in
      for j in batches.indices { resolvers[j].append(record, extraction, lineOffset: 0, to: &batches[j]) }
      if batches[0].records.count >= 1 << 16 { try flush() }
      return true
    }
    try flush()
    try sharing.flush(targets: &targets, inputBytes: nil)
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
    let wholeFileLimit = max(256 << 20, chunkSize)
    /// A chunk's records; small files handed over unread are read here, whole, each noting
    /// where its records start (`start` is called with the file before its first record).
    @Sendable func forEachRecord(
      _ chunk: ChunkReader.Chunk, _ header: [String]?, start: (Int) -> Void,
      _ body: (inout SourceRecord, Extraction) throws -> Bool
    ) throws -> Bool {
      guard !chunk.wholeFiles.isEmpty else { return try context.readers[chunk.file].forEachRecord(in: chunk, header: header, body) }
      var saw = false
      // The folder's files share a header: compiled once for the chunk's files, not per file.
      let headers = CSVHeaderCache()
      for file in chunk.wholeFiles {
        start(file)
        saw = try context.readers[file].forEachRecordOfWholeFile(limit: wholeFileLimit, cache: headers, body) || saw
      }
      return saw
    }
    @Sendable func parse(_ given: ChunkReader.Chunk) -> [ParsedBatch] {
      let reader = context.readers[given.file]
      var chunk = given
      func empty() -> ParsedBatch {
        var batch = ParsedBatch()
        batch.linesBefore = chunk.linesBefore
        batch.bytes = chunk.wholeFiles.isEmpty ? chunk.bytes.count : chunk.wholeFileBytes
        batch.file = chunk.file
        return batch
      }
      do {
        // An Avro block becomes JSON lines here, on the worker: blocks decode in parallel.
        if chunk.avroOffsets != nil { chunk = try SourceReader.transcoded(chunk, context.transcoder(chunk.file)) }
        var batches: [ParsedBatch]
        let sawLine: Bool
        let header = reader.spec.format.isCSV ? context.header(chunk.file) : nil
        if resolvers.count == 1 {
          // One experiment (every `report` of one file): no inner loop on the hot path.
          let resolver = resolvers[0]
          var batch = empty()
          batch.reserve(for: chunk)
          sawLine = try forEachRecord(chunk, header, start: { batch.fileRuns.append((Int32($0), Int32(batch.records.count))) }) {
            record, extraction in
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
            try forEachRecord(
              chunk, header,
              start: { file in for j in batches.indices { batches[j].fileRuns.append((Int32(file), Int32(batches[j].records.count))) } }
            ) { record, extraction in
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
    try sharing.flush(targets: &targets, inputBytes: expected)
    // One file named directly must hold something; in a folder an empty file is just counted.
    if !files.isTree, let only = context.readers.first {
      if only.spec.format.isCSV ? context.header(0) == nil : !sawLine { throw IngestError.emptyFile(path: only.spec.path) }
    }
  }
}
