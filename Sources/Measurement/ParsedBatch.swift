import Ingest

/// One record after everything that can be decided without the join's mutable state: parsed,
/// identity resolved against the (read-only) cohort and identities, event name looked up, the
/// de-duplication key hashed. Produced by workers in parallel, consumed in file order.
struct ParsedRecord: Sendable {
  enum Kind: UInt8, Sendable { case record, rejected, notAnEvent }
  enum Identity: UInt8, Sendable { case user, notInCohort, unresolved, ambiguous }

  // Declared widest first (Swift lays fields out in order): 80 bytes a record, not 88.
  var time: Int64 = 0
  /// `time` minus the user's entry time, for a resolved user.
  var sinceEntry: Int64 = 0
  var value: Int64 = 0
  var dedupHash: UInt64 = 0
  /// The line within the chunk (add the chunk's `linesBefore` for the file line).
  var line: Int32 = 0
  /// The cohort user number when `identity == .user` (after `RecordResolver.finish`).
  var user: Int32 = -1
  /// The event meaning's index, or −1 when no metric or exposure uses the event.
  var meaning: Int32 = -1
  var fingerprint: UInt32 = 0
  /// Channel bytes in the batch's `text`, for exposures only (empty: none); for exposures
  /// without a channel the event name's prefix before `_`.
  var channelStart: Int32 = 0
  var channelLength: Int32 = 0
  /// The de-duplication key's bytes in `text`, for the message of a conflicting reuse.
  var keyStart: Int32 = 0
  var keyLength: Int32 = 0
  /// For a rejected record an index into the batch's `rejections`; for an unresolved or
  /// ambiguous identity, into its `aliases`; else −1.
  var note: Int32 = -1
  var kind: Kind = .record
  var reason: Reconciliation.Reason = .badTimestamp
  var identity: Identity = .user
  var control = false
  var hasValue = false
  var hasDedup = false
  /// Whether the user is analysed (listed with an analysed arm).
  var analysed = false
  /// What the de-duplication set said of the key (`EventJoiner.deduplicate`, before the fold).
  var dedupResult: EventIDSet.Insertion = .inserted
}

/// The records of one chunk, in order, with the bytes and messages they refer to.
struct ParsedBatch: Sendable {
  var records: [ParsedRecord] = []
  var text: [UInt8] = []
  /// Rejected records' details and user ids, for their examples.
  var rejections: [Rejection] = []
  /// The aliases unresolved and ambiguous records show in their examples (every such record
  /// has one: which become examples is decided in the fold, by key).
  var aliases: [AliasNote] = []
  /// Cohort lookups not yet done, made together by `RecordResolver.finish` (their misses overlap):
  /// the prepared keys (longer ones' bytes in `text`) and the records they belong to.
  var lookups: [ByteKeyTable.Lookup] = []
  var lookupRecords: [Int32] = []
  /// Line breaks before the chunk.
  var linesBefore = 0
  /// The chunk's size in bytes.
  var bytes = 0
  /// The error that stopped the chunk, raised when the batch is consumed (in file order).
  var failure: IngestError? = nil
  /// True when the chunk held at least one non-blank line.
  var sawLine = false

  /// Reserves room for the records of `chunk`: one per line break, and one more for a last
  /// line without one (a CSV row with quoted line breaks is fewer records, a Customer.io wide
  /// row can be several, which the arrays then grow for), so they do not grow by copying while
  /// the chunk is parsed (a guess of one record per 48 bytes was short for event lines of ~42
  /// bytes: every batch's arrays were copied once as they doubled).
  mutating func reserve(for chunk: ChunkReader.Chunk) {
    let expected = chunk.lines + 1
    records.reserveCapacity(expected)
    lookups.reserveCapacity(expected)
    lookupRecords.reserveCapacity(expected)
    text.reserveCapacity(expected * 8)
  }

  /// A rejected record's detail, and the user id it read (its bytes in `text`), if any.
  struct Rejection: Sendable {
    var detail: String
    var user: Bytes?
  }

  /// The alias an unresolved or ambiguous record shows: its id field and bytes in `text`
  /// (nil: an unresolved record that had only aliases without an identities column).
  struct AliasNote: Sendable {
    var field: Int32
    var value: Bytes?
  }

  /// A range of `text`.
  struct Bytes: Sendable {
    var start: Int32
    var count: Int32
  }

  /// Appends `bytes` to `text` and returns where they are.
  mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Bytes {
    let start = Int32(text.count)
    text.append(contentsOf: bytes)
    return Bytes(start: start, count: Int32(bytes.count))
  }

  /// Calls `body` with the bytes of `range` (nil for none).
  func withBytes<R>(_ range: Bytes?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    guard let range else { return body(nil) }
    return text.withUnsafeBufferPointer { all in
      body(UnsafeBufferPointer(rebasing: all[Int(range.start)..<Int(range.start + range.count)]))
    }
  }

  mutating func note(_ rejection: Rejection) -> Int32 {
    rejections.append(rejection)
    return Int32(rejections.count - 1)
  }

  mutating func note(_ alias: AliasNote) -> Int32 {
    aliases.append(alias)
    return Int32(aliases.count - 1)
  }
}
