/// Per-user results of the join, in arrays parallel to the `CohortTable`.
///
/// Values are integer micro-units (`Ingest.Decimal.scale` per unit): a conversion is 10⁶, an
/// event count n is n·10⁶, revenue is its exact micro-unit sum. Exposure keeps the earliest
/// exposure at or after entry and its channel.
public struct UserOutcomes: Sendable {
  /// The largest per-user magnitude, in micro-units: ±10⁹ units (10¹⁵ micro-units). Rows that
  /// would pass it are rejected; it keeps n·x² inside the 128-bit per-arm sums for up to
  /// `CohortTable.maximumUsers` users.
  public static let maximumMagnitude: UInt64 = 1_000_000_000_000_000
  /// `maximumMagnitude` in units, for messages.
  static let maximumUnits = "1,000,000,000"

  /// No exposure.
  public static let never = Int64.max

  /// Per metric, per user: the value over the metric's window.
  public internal(set) var post: [[Int64]]
  /// Per metric, per user: the value over the same-length window before entry.
  public internal(set) var pre: [[Int64]]
  /// Per user: the first exposure at or after entry, or `never`.
  public internal(set) var firstExposure: [Int64]
  /// Per user: the channel code of the first exposure, or −1.
  public internal(set) var exposureChannel: [Int32]
  /// Per user: the cost of the messages delivered at or after entry, in micro-units.
  public internal(set) var spend: [Int64]
  /// Per user: the first return event at or after entry (for the survival curves), or `never`.
  public internal(set) var firstReturn: [Int64]

  /// Per user: true when a source marked the user as held out (Braze, Iterable markers).
  public internal(set) var platformControl: [Bool]

  init(users: Int, metrics: Int) {
    platformControl = Array(repeating: false, count: users)
    post = Array(repeating: Array(repeating: 0, count: users), count: metrics)
    pre = post
    firstExposure = Array(repeating: Self.never, count: users)
    exposureChannel = Array(repeating: -1, count: users)
    spend = Array(repeating: 0, count: users)
    firstReturn = Array(repeating: Self.never, count: users)
  }
}
