import Assignment
import Experiment
import Ingest
import MeasurementModel
import Join
import TextOutput

/// The cohort file `holdout cohort` writes and extends:
/// `user_id,entered_at,arm,segment,bucket,last_purchase_at,days_inactive[,email][,phone]`.
///
/// `arm` and `bucket` are the experiment's hash (bucket to 4 decimals for hash v2, 3 for v1,
/// as `holdout assign` writes it), so a previous file can be checked row by row: a bucket that
/// is not this experiment's hash of the id means the file was built for another experiment or
/// salt, and it is refused rather than extended. `report` reads the file as any cohort (the
/// `arm` column is the recorded split; `segment` is a segment column to list in `segments`).
public struct CohortFile: Sendable {
  /// The header for an entry rule: the fixed columns, then email and phone when configured, then
  /// the copied contact columns (`entry.contacts.copy`).
  public static func header(for entry: EntryDefinition) -> [String] {
    var columns = ["user_id", "entered_at", "arm", "segment", "bucket", "last_purchase_at", "days_inactive"]
    if entry.contacts?.email != nil { columns.append("email") }
    if entry.contacts?.phone != nil { columns.append("phone") }
    columns += entry.contacts?.copy ?? []
    return columns
  }

  /// The users already in the file, their latest entry, and the file's bytes.
  public struct Previous: Sendable {
    /// The user ids, interned in file order.
    public var users = ByteKeyTable(capacity: 1 << 10)
    /// Per interned user: the latest entry time.
    public var latestEntry: [Int64] = []
    /// Data rows read.
    public var rows = 0
    /// The latest entry time of any row.
    public var lastEntry: Int64? = nil
    /// True when the file exists.
    public var exists = false
  }

  /// Reads and checks the previous cohort at `path` (a missing file is an empty cohort).
  ///
  /// Refused (exit 65, `file:line`): another header than `header`, an unreadable row, a user id
  /// or bucket that is not this experiment's hash (`splitter`, `decimals`), an unknown arm.
  public static func readPrevious(
    path: String, header expected: [String], splitter: Splitter, arms: [String], decimals: Int
  ) throws -> Previous {
    var previous = Previous()
    var reader: CSVReader
    do {
      reader = try CSVReader(path: path)
    } catch IngestError.fileNotFound {
      return previous
    }
    previous.exists = true
    let header: [String]
    do {
      header = try reader.readHeader()
    } catch IngestError.emptyFile {
      return previous
    }
    guard header == expected else {
      throw EnrollmentError.previousCohort(
        path: path, line: 1,
        message: "the previous cohort's columns (\(header.joined(separator: ","))) are not the ones this experiment's entry rule writes (\(expected.joined(separator: ","))); extend it with the experiment file that built it, or start a new cohort file")
    }
    let names = arms + ["excluded"]
    try reader.forEachRecord { (row: borrowing CSVRow) throws in
      guard !row.isMalformed, row.count == header.count, let id = row.string(0), !id.isEmpty,
        let entered = Timestamp.parse(row.field(1)), let arm = row.string(2), let bucket = row.string(4)
      else {
        throw EnrollmentError.previousCohort(
          path: path, line: row.line, message: "this row is not a cohort row written by holdout cohort (user_id, entered_at, arm, bucket); restore the file from your copy")
      }
      let assignment = splitter.assign(id)
      let hashed = NumberFormat.fixed(assignment.bucket, decimals)
      guard bucket == hashed, arm == names[assignment.arm ?? names.count - 1] else {
        throw EnrollmentError.previousCohort(
          path: path, line: row.line,
          message: "user \(id) has bucket \(bucket) and arm \(arm), but this experiment's hash gives \(hashed) (\(names[assignment.arm ?? names.count - 1])): the file was built for another experiment, salt or split; extend it with that experiment's file, or start a new cohort file")
      }
      let (user, inserted) = previous.users.intern(row.field(0))
      if inserted { previous.latestEntry.append(entered) }
      previous.latestEntry[Int(user)] = max(previous.latestEntry[Int(user)], entered)
      previous.lastEntry = max(previous.lastEntry ?? entered, entered)
      previous.rows += 1
    }
    return previous
  }
}
