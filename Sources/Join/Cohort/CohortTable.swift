import Ingest
import MeasurementModel
import Platforms

/// Per-user state of the cohort, in compact parallel arrays indexed by an interned user number.
///
/// Memory grows with the number of users, never with the number of events: a user costs their id
/// bytes, ~24 bytes of hash table, 8 bytes of entry time, 1 byte of arm and 4 bytes per segment.
public struct CohortTable: Sendable {
  /// Arm value for users who are listed but not analysed.
  public static let notAnalysed: Int8 = -1

  /// The most users a cohort may list. With per-user values bounded by
  /// `MeasurementLimits.maximumMagnitude`, 128-bit per-arm sums of squares cannot overflow below it.
  public static let maximumUsers = 100_000_000

  /// The interned user ids; user number = interned id.
  public internal(set) var ids = ByteKeyTable(capacity: 1 << 12)
  /// Entry time t0 per user, microseconds since the epoch.
  public internal(set) var entry: [Int64] = []
  /// The analysed arm per user, or `notAnalysed`.
  public internal(set) var arm: [Int8] = []
  /// Segment value codes per segment column, per user.
  public internal(set) var segmentCodes: [[Int32]] = []
  /// The distinct values of each segment column, by code.
  public internal(set) var segmentValues: [ByteKeyTable] = []

  /// The number of listed users (analysed or not).
  public var count: Int { entry.count }

  /// Creates an empty table with `segmentColumns` segment columns.
  package init(segmentColumns: Int) {
    segmentCodes = Array(repeating: [], count: segmentColumns)
    segmentValues = Array(repeating: ByteKeyTable(capacity: 16), count: segmentColumns)
  }
}
