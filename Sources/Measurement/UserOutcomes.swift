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

  /// The metrics' values, user-major: for user u and metric m, the value over the metric's
  /// window at `cell(u, m, pre: false)` and over the same-length window before entry at
  /// `cell(u, m, pre: true)`. One user's cells are adjacent, so an event's updates touch one or
  /// two cache lines instead of one per metric.
  var cells: [Int64]
  /// The number of metrics.
  let metricCount: Int

  /// The index in `cells` of user `u`'s metric `m` (pre-period when `pre`).
  @inline(__always)
  func cell(_ u: Int, _ m: Int, pre: Bool) -> Int { (u &* metricCount &+ m) &* 2 &+ (pre ? 1 : 0) }

  /// User `u`'s value of metric `m` over its window.
  @inline(__always)
  public func post(_ m: Int, _ u: Int) -> Int64 { cells[cell(u, m, pre: false)] }

  /// User `u`'s value of metric `m` over the pre-period.
  @inline(__always)
  public func pre(_ m: Int, _ u: Int) -> Int64 { cells[cell(u, m, pre: true)] }
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
    metricCount = metrics
    cells = Array(repeating: 0, count: users * metrics * 2)
    firstExposure = Array(repeating: Self.never, count: users)
    exposureChannel = Array(repeating: -1, count: users)
    spend = Array(repeating: 0, count: users)
    firstReturn = Array(repeating: Self.never, count: users)
  }
}
