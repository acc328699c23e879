import Assignment
import Experiment
import Ingest
import MeasurementModel
import Platforms

/// The rows of one chunk of the cohort file, with everything decided that does not depend on
/// earlier rows: the checks of each row, its entry time, recorded arm and hashed arm. Made by
/// workers in parallel; `CohortLoader` then interns the users in file order (which decides user
/// numbers and which of a user's rows is the first).
package struct CohortBatch: Sendable {
  /// One row.
  package struct Row: Sendable {
    /// The line within the chunk (add `linesBefore`).
    package var line: Int32
    /// The user id's bytes in `text` (empty when unreadable).
    package var userStart: Int32
    package var userCount: Int32
    /// An index into `rejections`, or −1 for a readable row.
    package var rejection: Int32 = -1
    package var entry: Int64 = 0
    /// The recorded arm's id among the arm names, or −1 without an arm column.
    package var recorded: Int32 = -1
    /// The arm the hash gives, or −1 when the user falls outside coverage.
    package var hashed: Int8 = -1
    /// The first of the row's segment values in `segments` (one per segment column).
    package var segmentStart: Int32 = 0
  }

  /// Why a row was rejected; `named` when its example should be keyed by its user id.
  package struct Rejection: Sendable {
    package var reason: Reconciliation.Reason
    package var detail: String
    package var named: Bool
  }

  package var rows: [Row] = []
  package var text: [UInt8] = []
  /// Segment values as ranges of `text`.
  package var segments: [Range<Int32>] = []
  package var rejections: [Rejection] = []
  package var linesBefore = 0
  /// The error that stopped the chunk, raised when the batch is consumed (in file order).
  package var failure: IngestError? = nil

  /// The columns and tables a chunk is parsed with (read-only, shared by the workers).
  package struct Layout: Sendable {
    package var path: String
    package var header: [String]
    package var userColumn: Int
    package var entryColumn: Int
    package var armColumn: Int?
    package var segmentColumns: [Int]
    package var segmentNames: [String]
    package var armNames: ByteKeyTable
    package var splitter: Splitter
  }

  /// Parses `chunk`: every check of a row that needs no earlier row, in the order the loader
  /// applies them (quotes, field count, user id, entry time, arm, segment UTF-8).
  package static func parse(_ chunk: ChunkReader.Chunk, layout: Layout) -> CohortBatch {
    var batch = CohortBatch()
    batch.linesBefore = chunk.linesBefore
    batch.rows.reserveCapacity(chunk.lines + 1)
    do {
      // Parsed where the chunk lies: no copy into a reader's buffer.
      try chunk.bytes.withUnsafeBufferPointer { bytes in
        var reader = CSVReader(borrowing: bytes, path: layout.path)
        if chunk.index == 0 { _ = try reader.readHeader() } else { reader.assumeHeader(layout.header) }
        let fieldCount = layout.header.count
        try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
          var parsed = Row(line: Int32(truncatingIfNeeded: row.line), userStart: Int32(batch.text.count), userCount: 0)
          // Rejections go through `Self.reject`, not a local function: the variables a local
          // function captures (`parsed`, `batch`) were checked for exclusive access at run time
          // on every access, and this runs for every row.
          if row.isMalformed {
            return Self.reject(&parsed, into: &batch, .malformedQuotes, "a quoted field is not closed properly", named: false)
          }
          guard row.count == fieldCount else {
            return Self.reject(
              &parsed, into: &batch, .wrongFieldCount, "expected \(fieldCount) fields, found \(row.count)", named: false)
          }
          if row.isEmpty(layout.userColumn) {
            return Self.reject(&parsed, into: &batch, .emptyUserID, "user_id is empty", named: false)
          }
          let user = row.field(layout.userColumn)
          batch.text.append(contentsOf: user)
          parsed.userCount = Int32(batch.text.count) - parsed.userStart
          guard let t0 = Timestamp.parse(row.field(layout.entryColumn)) else {
            return Self.reject(
              &parsed, into: &batch, .badTimestamp, "entered_at \(VisibleText.quoted(row.field(layout.entryColumn))) is not a timestamp")
          }
          parsed.entry = t0
          if let armColumn = layout.armColumn {
            guard let id = layout.armNames.find(row.field(armColumn)) else {
              return Self.reject(
                &parsed, into: &batch, .unknownArm, "arm \(VisibleText.quoted(row.field(armColumn))) is not one of the experiment's arms")
            }
            parsed.recorded = id
          }
          for (k, column) in layout.segmentColumns.enumerated() {
            guard String(validating: row.field(column), as: UTF8.self) != nil else {
              return Self.reject(
                &parsed, into: &batch, .invalidUTF8, "segment column '\(layout.segmentNames[k])' is not valid UTF-8")
            }
          }
          parsed.segmentStart = Int32(batch.segments.count)
          for column in layout.segmentColumns {
            let start = Int32(batch.text.count)
            batch.text.append(contentsOf: row.field(column))
            batch.segments.append(start..<Int32(batch.text.count))
          }
          parsed.hashed = layout.splitter.assign(bytes: user).arm.map { Int8($0) } ?? -1
          batch.rows.append(parsed)
        }
      }
    } catch {
      batch.failure = error as? IngestError ?? .unreadable(path: layout.path, reason: "\(error)")
    }
    return batch
  }

  /// Adds `parsed` to `batch`, rejected for `reason` (`named`: its example keyed by its user).
  private static func reject(
    _ parsed: inout Row, into batch: inout CohortBatch, _ reason: Reconciliation.Reason, _ detail: String,
    named: Bool = true
  ) {
    parsed.rejection = Int32(batch.rejections.count)
    batch.rejections.append(Rejection(reason: reason, detail: detail, named: named))
    batch.rows.append(parsed)
  }

  /// Calls `body` with `count` bytes of `text` from `start`.
  package func withBytes<R>(_ start: Int32, _ count: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    text.withUnsafeBufferPointer { all in
      body(UnsafeBufferPointer(rebasing: all[Int(start)..<Int(start + count)]))
    }
  }
}
