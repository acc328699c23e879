/// Per-user results of the join, in arrays parallel to the `CohortTable`.
///
/// Values are integer micro-units (`Ingest.Decimal.scale` per unit): a conversion is 10⁶, an
/// event count n is n·10⁶, revenue is its exact micro-unit sum. Exposure keeps the earliest
/// exposure at or after entry and its channel.
public struct UserOutcomes: Sendable {
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

  init(users: Int, metrics: Int) {
    post = Array(repeating: Array(repeating: 0, count: users), count: metrics)
    pre = post
    firstExposure = Array(repeating: Self.never, count: users)
    exposureChannel = Array(repeating: -1, count: users)
  }
}
