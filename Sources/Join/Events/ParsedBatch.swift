import Ingest
import MeasurementModel
import Platforms

/// One record after everything that can be decided without the join's mutable state: parsed,
/// identity resolved against the (read-only) cohort and identities, event name looked up, the
/// de-duplication key hashed. Produced by workers in parallel, consumed in file order.
package struct ParsedRecord: Sendable {
  package enum Kind: UInt8, Sendable { case record, rejected, notAnEvent }
  package enum Identity: UInt8, Sendable { case user, notInCohort, unresolved, ambiguous }

  // Declared widest first (Swift lays fields out in order): 80 bytes a record, not 88.
  package var time: Int64 = 0
  /// `time` minus the user's entry time, for a resolved user.
  package var sinceEntry: Int64 = 0
  package var value: Int64 = 0
  package var dedupHash: UInt64 = 0
  /// The line within the chunk (add the chunk's `linesBefore` for the file line).
  package var line: Int32 = 0
  /// The cohort user number when `identity == .user` (after `RecordResolver.finish`).
  package var user: Int32 = -1
  /// The event meaning's index, or −1 when no metric or exposure uses the event.
  package var meaning: Int32 = -1
  package var fingerprint: UInt32 = 0
  /// Channel bytes in the batch's `text`, for exposures only (empty: none); for exposures
  /// without a channel the event name's prefix before `_`.
  package var channelStart: Int32 = 0
  package var channelLength: Int32 = 0
  /// The de-duplication key's bytes in `text`, for the message of a conflicting reuse.
  package var keyStart: Int32 = 0
  package var keyLength: Int32 = 0
  /// For a rejected record an index into the batch's `rejections`; for an unresolved or
  /// ambiguous identity, into its `aliases`; else −1.
  package var note: Int32 = -1
  package var kind: Kind = .record
  package var reason: Reconciliation.Reason = .badTimestamp
  package var identity: Identity = .user
  package var control = false
  package var hasValue = false
  package var hasDedup = false
  /// Whether the user is analysed (listed with an analysed arm).
  package var analysed = false
  /// What the de-duplication set said of the key (`EventJoiner.deduplicate`, before the fold).
  package var dedupResult: EventIDSet.Insertion = .inserted
}

/// The records of one chunk, in order, with the bytes and messages they refer to.
package struct ParsedBatch: Sendable {
  package var records: [ParsedRecord] = []
  package var text: [UInt8] = []
  /// Rejected records' details and user ids, for their examples.
  package var rejections: [Rejection] = []
  /// The aliases unresolved and ambiguous records show in their examples (every such record
  /// has one: which become examples is decided in the fold, by key).
  package var aliases: [AliasNote] = []
  /// Cohort lookups not yet done, made together by `RecordResolver.finish` (their misses overlap):
  /// the prepared keys (longer ones' bytes in `text`) and the records they belong to.
  package var lookups: [ByteKeyTable.Lookup] = []
  package var lookupRecords: [Int32] = []
  /// Line breaks before the chunk.
  package var linesBefore = 0
  /// The chunk's file among a folder or pattern source's files (`ChunkReader.Chunk.file`).
  package var file = 0
  /// For a chunk of several small files read whole: each file and the index of its first record
  /// (its records run to the next one's start); empty when the batch is one file's.
  package var fileRuns: [(file: Int32, start: Int32)] = []
  /// The chunk's size in bytes.
  package var bytes = 0
  /// The error that stopped the chunk, raised when the batch is consumed (in file order).
  package var failure: IngestError? = nil
  /// True when the chunk held at least one non-blank line.
  package var sawLine = false

  /// Reserves room for the records of `chunk`: one per line break, and one more for a last
  /// line without one (a CSV row with quoted line breaks is fewer records, a Customer.io wide
  /// row can be several, which the arrays then grow for), so they do not grow by copying while
  /// the chunk is parsed (a guess of one record per 48 bytes was short for event lines of ~42
  /// bytes: every batch's arrays were copied once as they doubled).
  ///
  /// Small files handed over unread have no line count yet: their records are guessed from
  /// their size at one per 40 bytes (event lines run 40–120), so a chunk of a few hundred
  /// hourly files does not grow its arrays by doubling from one record (every doubling copies).
  package mutating func reserve(for chunk: ChunkReader.Chunk) {
    let expected = chunk.wholeFiles.isEmpty ? chunk.lines + 1 : chunk.wholeFileBytes / 40 + chunk.wholeFiles.count
    records.reserveCapacity(expected)
    lookups.reserveCapacity(expected)
    lookupRecords.reserveCapacity(expected)
    text.reserveCapacity(expected * 8)
  }

  /// A rejected record's detail, and the user id it read (its bytes in `text`), if any.
  package struct Rejection: Sendable {
    package var detail: String
    package var user: Bytes?
  }

  /// The alias an unresolved or ambiguous record shows: its id field and bytes in `text`
  /// (nil: an unresolved record that had only aliases without an identities column).
  package struct AliasNote: Sendable {
    package var field: Int32
    package var value: Bytes?
  }

  /// A range of `text`.
  package struct Bytes: Sendable {
    package var start: Int32
    package var count: Int32
  }

  /// Appends `bytes` to `text` and returns where they are.
  package mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Bytes {
    let start = Int32(text.count)
    text.append(contentsOf: bytes)
    return Bytes(start: start, count: Int32(bytes.count))
  }

  /// Calls `body` with the bytes of `range` (nil for none).
  package func withBytes<R>(_ range: Bytes?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    guard let range else { return body(nil) }
    return text.withUnsafeBufferPointer { all in
      body(UnsafeBufferPointer(rebasing: all[Int(range.start)..<Int(range.start + range.count)]))
    }
  }

  package mutating func note(_ rejection: Rejection) -> Int32 {
    rejections.append(rejection)
    return Int32(rejections.count - 1)
  }

  package mutating func note(_ alias: AliasNote) -> Int32 {
    aliases.append(alias)
    return Int32(aliases.count - 1)
  }
}
