import Dispatch
import Experiment
import Ingest

/// Folds the records of one source (any format, via `SourceReader`) into the per-user outcomes.
///
/// Each record gets exactly one fate in the file's `Reconciliation`, decided in this order:
/// rejected (unreadable, with a reason), not an event, duplicate (the source's own key; one
/// de-duplication table per role and format, so overlapping export files de-duplicate too), after
/// `as_of`, identity not resolved or ambiguous, user not in cohort, user not analysed, holdout
/// marker (used as recorded-split evidence), event not measured, outside every window, used.
///
/// Identity: the layout's id fields are tried in order; the first present one decides. A `unit`
/// field is the unit id itself; an alias field (email, device id) is looked up in the identities
/// file, and an alias it does not list lets the next field try. Exposure events at or after entry
/// set the user's first exposure and add the channel's message cost.
struct EventJoiner {
  enum Role: String {
    case messages
    case events
  }

  let experiment: ExperimentDefinition
  let asOf: Int64
  let strict: Bool
  /// Threads that parse chunks (1: everything on the calling thread, the reference order).
  var threads = 1
  /// Bytes per chunk (small values in tests put chunk boundaries everywhere).
  var chunkSize = 1 << 19
  /// Called with the bytes read so far and the input's size when known, for progress.
  var progress: (@Sendable (Int, Int?) -> Void)? = nil

  /// What each known event name means: the metrics it feeds and whether it is an exposure.
  struct EventMeaning {
    var metrics: [Int] = []
    var isExposure = false
    var isReturn = false

    mutating func merge(_ other: EventMeaning) {
      for m in other.metrics where !metrics.contains(m) { metrics.append(m) }
      isExposure = isExposure || other.isExposure
      isReturn = isReturn || other.isReturn
    }
  }

  /// The de-duplication state shared by the sources of one id space (role, format, key fields).
  typealias DedupTable = EventIDSet

  /// The per-user state the join writes.
  struct Target {
    var outcomes: UserOutcomes
    var channels = ChannelTable()
    var findings = JoinFindings()
    var dedup: [String: DedupTable] = [:]
  }

  func join(
    source: SourceSpec, role: Role, cohort: CohortTable, identities: IdentityTable, into target: inout Target
  ) throws(MeasurementError) -> Reconciliation {
    let reader = SourceReader(spec: source, role: role)
    let resolver = try IdentityResolver(layout: reader.layout, source: source, identities: identities)
    return try readingInput(path: source.path) {
      // One table per id space: the same role, format and key fields (export windows of one
      // platform de-duplicate across files; unrelated generic files do not).
      let key = role.rawValue + "/" + source.format.rawValue + "/"
        + reader.layout.dedup.map { $0.joined(separator: "|") }.joined(separator: ",")
      var dedup = target.dedup[key] ?? DedupTable()
      defer { target.dedup[key] = dedup }
      var fold = Fold(
        joiner: self, source: source, role: role, cohort: cohort, resolver: resolver, layout: reader.layout)
      let records = fold.labels
      let opened = try reader.openJSON()
      if !reader.isChunkable(opened?.framing) {
        // Sequential sources (Klaviyo pages, JSON arrays, concatenated documents): the same
        // steps as a wave, a batch of up to 65,536 records at a time.
        func foldBatch(_ batch: ParsedBatch) throws {
          var wave = [batch]
          records.finish(&wave[0])
          Self.deduplicate(&wave, in: &dedup)
          try fold.consume(wave[0], target: &target)
        }
        var batch = ParsedBatch()
        try reader.forEachRecord(opened) { record, extraction in
          records.append(record, extraction, lineOffset: 0, to: &batch)
          if batch.records.count >= 1 << 16 {
            try foldBatch(batch)
            batch = ParsedBatch()
          }
          return true
        }
        try foldBatch(batch)
        return fold.ledger
      }
      let bytes = try opened?.source ?? ByteSource(path: source.path)
      try readChunks(reader, bytes, records, fold: &fold, target: &target, dedup: &dedup)
      return fold.ledger
    }
  }

  /// Reads a line-oriented source (`source`, opened from its start) in chunks: `threads − 1`
  /// workers parse chunks (into `ParsedBatch`es, with every read-only lookup done) while this
  /// thread reads ahead, folds the batches in file order and, whenever the next batch is not
  /// parsed yet, parses a waiting chunk itself (`ParsePipeline`). At most `chunksPerThread`
  /// chunks a thread are read and not yet folded, which bounds memory. The result is identical
  /// for any thread count: the fold sees the batches in file order.
  private func readChunks(
    _ reader: SourceReader, _ source: ByteSource, _ records: RecordResolver, fold: inout Fold,
    target: inout Target, dedup: inout DedupTable
  ) throws {
    var chunks = ChunkReader(source: source, quoted: reader.spec.format.isCSV, chunkSize: chunkSize)
    let threads = max(1, self.threads)
    let expectedBytes = chunks.expectedBytes
    guard let first = try chunks.next() else {
      progress?(chunks.bytesRead, expectedBytes)
      throw IngestError.emptyFile(path: reader.spec.path)
    }
    let header = reader.spec.format.isCSV ? try reader.csvHeader(first) : nil
    @Sendable func parse(_ chunk: ChunkReader.Chunk) -> ParsedBatch {
      var batch = ParsedBatch()
      batch.linesBefore = chunk.linesBefore
      batch.bytes = chunk.bytes.count
      batch.reserve(bytes: chunk.bytes.count)
      do {
        batch.sawLine = try reader.forEachRecord(in: chunk, header: header) { record, extraction in
          records.append(record, extraction, lineOffset: 0, to: &batch)
          return true
        }
        records.finish(&batch)
      } catch let error as IngestError {
        batch.failure = error
      } catch {
        batch.failure = .unreadable(path: reader.spec.path, reason: "\(error)")
      }
      return batch
    }
    var sawLine = false, reserved = false
    try ParsePipeline.run(
      first: first, rest: &chunks, threads: threads, inFlight: threads * Self.chunksPerThread, parse: parse,
      afterRead: { progress?($0, expectedBytes) }
    ) { batch in
      var wave = [batch]
      if !reserved {
        reserved = true
        reserve(&dedup, for: wave, inputBytes: expectedBytes)
      }
      Self.deduplicate(&wave, in: &dedup)
      sawLine = sawLine || wave[0].sawLine
      try fold.consume(wave[0], target: &target)
    }
    if reader.spec.format.isCSV ? header == nil : !sawLine {
      throw IngestError.emptyFile(path: reader.spec.path)
    }
  }

  /// Looks up every de-duplication key of `batches` in `dedup` (inserting the new ones), as the
  /// fold would one record at a time in file order, and notes the answer in each record. Done for
  /// a whole wave at once (`EventIDSet.insert(hashes:fingerprints:into:)`), whose insertions read
  /// a group's slots ahead so that their cache misses overlap. Only parsed records with a key
  /// take part, as in the fold, whose first decision after rejection is the duplicate check.
  static func deduplicate(_ batches: inout [ParsedBatch], in dedup: inout DedupTable) {
    var hashes: [UInt64] = [], fingerprints: [UInt32] = [], places: [(batch: Int32, record: Int32)] = []
    for b in batches.indices {
      for (k, record) in batches[b].records.enumerated() where record.kind == .record && record.hasDedup {
        hashes.append(record.dedupHash)
        fingerprints.append(record.fingerprint)
        places.append((Int32(b), Int32(k)))
      }
    }
    guard !hashes.isEmpty else { return }
    var results = [EventIDSet.Insertion](repeating: .inserted, count: hashes.count)
    hashes.withUnsafeBufferPointer { hashes in
      fingerprints.withUnsafeBufferPointer { fingerprints in
        results.withUnsafeMutableBufferPointer { dedup.insert(hashes: hashes, fingerprints: fingerprints, into: $0) }
      }
    }
    for (j, place) in places.enumerated() {
      batches[Int(place.batch)].records[Int(place.record)].dedupResult = results[j]
    }
  }

  /// Sizes the de-duplication set once for the whole input when its size is known: the keys of
  /// the first wave, scaled by the input's bytes over the wave's. Saves the growth steps (each
  /// re-places every key of a shard) and leaves the set at a load near ⅘. A compressed or piped
  /// input grows as it goes. The reservation is capped at `reservationLimit` keys (~340 MB), so a
  /// large file whose first megabytes are dense with keys and the rest junk cannot make the set
  /// allocate gigabytes up front; past the cap the set grows with the keys actually seen.
  private func reserve(_ dedup: inout DedupTable, for wave: [ParsedBatch], inputBytes: Int?) {
    guard let inputBytes else { return }
    var keys = 0, bytes = 0
    for batch in wave {
      bytes += batch.bytes
      for record in batch.records where record.hasDedup { keys += 1 }
    }
    guard keys > 0, bytes > 0, bytes < inputBytes else { return }
    let estimate = Int((Double(keys) * Double(inputBytes) / Double(bytes)).rounded(.up))
    dedup.reserve(capacity: dedup.count + min(estimate, Self.reservationLimit))
  }

  /// Chunks per thread read and not yet folded (`readChunks`): enough that no thread waits for
  /// work, few enough to bound memory (at 512 KiB a chunk, about 2–3 MB of parsed batch each).
  static let chunksPerThread = 4

  /// The most keys `reserve` sizes the de-duplication set for ahead of seeing them.
  static let reservationLimit = 1 << 25

  /// A digest of what a record says (user, event, time, value), to tell a true duplicate from a
  /// different record that reuses an id.
  static func fingerprint(_ r: SourceRecord) -> UInt32 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    return r.text.withUnsafeBufferPointer { text in
      var h: UInt64 = 0xCBF2_9CE4_8422_2325
      if let first = r.ids.first(where: { $0 != nil }), let range = first {
        h = ByteKeyTable.hash(UnsafeBufferPointer(rebasing: text[range]))
      }
      h = (h ^ ByteKeyTable.hash(UnsafeBufferPointer(rebasing: text[r.event]))) &* prime
      h = (h ^ UInt64(bitPattern: r.time)) &* prime
      h = (h ^ UInt64(bitPattern: r.value ?? Int64.min)) &* prime
      return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }
  }
}
