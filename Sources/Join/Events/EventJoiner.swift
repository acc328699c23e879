import Dispatch
import Experiment
import Ingest
import MeasurementModel
import Platforms

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
package struct EventJoiner {
  package typealias Role = SourceRole

  package let experiment: ExperimentDefinition
  package let asOf: Int64
  package let strict: Bool
  /// Threads that parse chunks (1: everything on the calling thread, the reference order).
  package var threads = 1
  /// Bytes per chunk (small values in tests put chunk boundaries everywhere).
  package var chunkSize = 1 << 19
  /// Called with the bytes read so far and the input's size when known, for progress.
  package var progress: (@Sendable (Int, Int?) -> Void)? = nil

  /// What each known event name means: the metrics it feeds and whether it is an exposure.
  package struct EventMeaning {
    package var metrics: [Int] = []
    package var isExposure = false
    package var isReturn = false

    package mutating func merge(_ other: EventMeaning) {
      for m in other.metrics where !metrics.contains(m) { metrics.append(m) }
      isExposure = isExposure || other.isExposure
      isReturn = isReturn || other.isReturn
    }
  }

  /// The de-duplication state of one id space (role, format, key fields), in a box: experiments
  /// that read the same files of that id space in the same order share one (`SharedJoin`), since
  /// its answers are then the same for each.
  package final class DedupTable {
    package var set = EventIDSet()

    package init() {}

    /// A separate copy, for an experiment whose history of the id space goes another way.
    package func copy() -> DedupTable {
      let table = DedupTable()
      table.set = set
      return table
    }
  }

  /// The per-user state the join writes.
  package struct Target {
    package var outcomes: UserOutcomes
    package var channels = ChannelTable()
    package var findings = JoinFindings()
    /// By id-space key (`dedupKey`).
    package var dedup: [String: DedupTable] = [:]
  }

  /// The id space of a source: the same role, format and key fields (export windows of one
  /// platform de-duplicate across files; unrelated generic files do not).
  package static func dedupKey(role: Role, format: SourceSpec.Format, layout: SourceLayout) -> String {
    role.rawValue + "/" + format.rawValue + "/" + layout.dedup.map { $0.joined(separator: "|") }.joined(separator: ",")
  }

  /// One experiment's part in a read: its joiner, its own spec of the file (its path as written,
  /// its renames), its cohort and identities (its target is passed beside it).
  package struct Participant {
    package let joiner: EventJoiner
    package let source: SourceSpec
    package let cohort: CohortTable
    package let identities: IdentityTable
  }

  /// Reads `source` once and folds every record into each participant's target, in file order:
  /// the bytes are parsed and each record extracted once, then resolved, de-duplicated and folded
  /// per participant (each has its own cohort, identities, windows and ledger). Participants
  /// must read the file the same way (`SharedJoin.ReadKey`: role, format, fields, time rules).
  /// Participants whose de-duplication table is the same object (the same history of the id
  /// space) share its answers: the set is asked once. `self` gives the threads, chunk size and
  /// progress. Returns each participant's row accounting, in order.
  package func join(
    source: SourceSpec, role: Role, participants: [Participant], targets: inout [Target]
  ) throws(MeasurementError) -> [Reconciliation] {
    precondition(!participants.isEmpty && participants.count == targets.count)
    let reader = SourceReader(spec: source, role: role)
    return try readingInput(path: source.path) {
      var folds: [Fold] = []
      for part in participants {
        let resolver = try IdentityResolver(layout: reader.layout, source: part.source, identities: part.identities)
        folds.append(
          Fold(
            joiner: part.joiner, source: part.source, role: role, cohort: part.cohort, resolver: resolver,
            layout: reader.layout))
      }
      let tables = Self.dedupTables(
        key: Self.dedupKey(role: role, format: source.format, layout: reader.layout), targets: &targets)
      var sharing = Sharing(folds: folds, tables: tables)
      let opened = try reader.openJSON()
      if !reader.isChunkable(opened?.framing) {
        // Sequential sources (Klaviyo pages, JSON arrays, concatenated documents): the same
        // steps as a chunk, a batch of up to 65,536 records at a time.
        let resolvers = folds.map(\.labels)
        var batches = [ParsedBatch](repeating: ParsedBatch(), count: folds.count)
        func flush() throws {
          var full = [ParsedBatch](repeating: ParsedBatch(), count: folds.count)
          swap(&full, &batches)
          for j in full.indices { resolvers[j].finish(&full[j]) }
          try sharing.consume(consume full, targets: &targets, inputBytes: nil)
        }
        try reader.forEachRecord(opened) { record, extraction in
          for j in batches.indices { resolvers[j].append(record, extraction, lineOffset: 0, to: &batches[j]) }
          if batches[0].records.count >= 1 << 16 { try flush() }
          return true
        }
        try flush()
      } else {
        let bytes = try opened?.source ?? ByteSource(path: source.path)
        try readChunks(reader, bytes, sharing: &sharing, targets: &targets)
      }
      return sharing.folds.map(\.ledger)
    }
  }

  /// Each target's table for id space `key`, one new table for all who have none yet (an empty
  /// history is the same for all). Tables held by experiments outside the read were copied
  /// before (`SharedJoin.separateTables`).
  private static func dedupTables(key: String, targets: inout [Target]) -> [DedupTable] {
    let fresh = DedupTable()
    let tables = targets.map { $0.dedup[key] ?? fresh }
    for j in targets.indices { targets[j].dedup[key] = tables[j] }
    return tables
  }

  /// Looks up every de-duplication key of `batch` in `set` (inserting the new ones), as the fold
  /// would one record at a time in file order, and notes the answer in each record. Done for a
  /// whole batch at once (`EventIDSet.insert(hashes:fingerprints:into:)`), whose insertions read
  /// a group's slots ahead so that their cache misses overlap. Only parsed records with a key
  /// take part, as in the fold, whose first decision after rejection is the duplicate check.
  package static func deduplicate(_ batch: inout ParsedBatch, in set: inout EventIDSet) {
    var hashes: [UInt64] = [], fingerprints: [UInt32] = [], places: [Int32] = []
    for (k, record) in batch.records.enumerated() where record.kind == .record && record.hasDedup {
      hashes.append(record.dedupHash)
      fingerprints.append(record.fingerprint)
      places.append(Int32(k))
    }
    guard !hashes.isEmpty else { return }
    var results = [EventIDSet.Insertion](repeating: .inserted, count: hashes.count)
    hashes.withUnsafeBufferPointer { hashes in
      fingerprints.withUnsafeBufferPointer { fingerprints in
        results.withUnsafeMutableBufferPointer { set.insert(hashes: hashes, fingerprints: fingerprints, into: $0) }
      }
    }
    batch.records.withUnsafeMutableBufferPointer { records in
      for (j, k) in places.enumerated() { records[Int(k)].dedupResult = results[j] }
    }
  }

  /// Sizes the de-duplication set once for the whole input when its size is known: the keys of
  /// the first batch, scaled by the input's bytes over the batch's. Saves the growth steps (each
  /// re-places every key of a shard) and leaves the set at a load near ⅘. A compressed or piped
  /// input grows as it goes. The reservation is capped at `reservationLimit` keys (~340 MB), so a
  /// large file whose first megabytes are dense with keys and the rest junk cannot make the set
  /// allocate gigabytes up front; past the cap the set grows with the keys actually seen.
  package static func reserve(_ set: inout EventIDSet, for batch: ParsedBatch, inputBytes: Int?) {
    guard let inputBytes else { return }
    let keys = batch.records.reduce(0) { $0 + ($1.hasDedup ? 1 : 0) }
    guard keys > 0, batch.bytes > 0, batch.bytes < inputBytes else { return }
    let estimate = Int((Double(keys) * Double(inputBytes) / Double(batch.bytes)).rounded(.up))
    set.reserve(capacity: set.count + min(estimate, Self.reservationLimit))
  }

  /// Chunks per thread read and not yet folded (`readChunks`): enough that no thread waits for
  /// work, few enough to bound memory (at 512 KiB a chunk, about 2–3 MB of parsed batch each).
  package static let chunksPerThread = 4

  /// The most keys `reserve` sizes the de-duplication set for ahead of seeing them.
  package static let reservationLimit = 1 << 25

  /// A digest of what a record says (user, event, time, value), to tell a true duplicate from a
  /// different record that reuses an id.
  package static func fingerprint(_ r: SourceRecord) -> UInt32 {
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
