import Experiment
import Ingest
import MeasurementModel
import Platforms

/// Where a duplicate event is detected.
///
/// A record's de-duplication key is built by `RecordExtractor` from the format's key fields
/// (`SourceLayout.dedup`, joined with `DedupKey`'s separators) and hashed by `RecordResolver`
/// with a `fingerprint` of what the record says. Per batch, `deduplicate` asks the id space's
/// `EventIDSet` for every key at once and notes the answer in each record: new, a duplicate
/// (the same key and fingerprint: counted as `duplicate`), or a conflict (the same key, a
/// different user, event, time or value: counted as `duplicate` and listed in the findings by
/// the fold). An id space is a role, a format and its key fields (`dedupKey`): the export windows
/// of one platform de-duplicate across files, unrelated generic files do not.
extension EventJoiner {
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

  /// The id space of a source: the same role, format and key fields (export windows of one
  /// platform de-duplicate across files; unrelated generic files do not).
  package static func dedupKey(role: Role, format: SourceSpec.Format, layout: SourceLayout) -> String {
    role.rawValue + "/" + format.rawValue + "/" + layout.dedup.map { $0.joined(separator: "|") }.joined(separator: ",")
  }

  /// Each target's table for id space `key`, one new table for all who have none yet (an empty
  /// history is the same for all). Tables held by experiments outside the read were copied
  /// before (`SharedJoin.separateTables`).
  static func dedupTables(key: String, targets: inout [Target]) -> [DedupTable] {
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
    var one = [batch]
    batch = ParsedBatch()
    deduplicate(&one, in: &set)
    batch = one[0]
  }

  /// `deduplicate(_:in:)` for several batches in order, in one insertion: a folder's small files
  /// give batches of a few hundred keys, too few per shard for the read-ahead to overlap misses
  /// (measured: the set's time doubled on 8,760 hourly files), so their keys go in together.
  package static func deduplicate(_ batches: inout [ParsedBatch], in set: inout EventIDSet) {
    var hashes: [UInt64] = [], fingerprints: [UInt32] = [], places: [(Int32, Int32)] = []
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
        results.withUnsafeMutableBufferPointer { set.insert(hashes: hashes, fingerprints: fingerprints, into: $0) }
      }
    }
    for (j, (b, k)) in places.enumerated() { batches[Int(b)].records[Int(k)].dedupResult = results[j] }
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
