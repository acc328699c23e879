/// GrowthBook's bucket ranges: how hash values in [0, 1) map to arms.
///
/// Weights are laid out in order: arm i owns [Σ_{j<i} w_j, Σ_{j<i} w_j + coverage·w_i). Coverage
/// shrinks each arm's slice in place, from its start, so raising coverage later never moves a
/// user between arms. Ranges are half-open (start ≤ n < end). A value in no range is outside the
/// experiment (GrowthBook's variation −1; Holdout writes it as `excluded`).
///
/// As in the SDKs, coverage is clamped to [0, 1]; unlike the SDKs, weights are validated where the
/// experiment file is read rather than silently replaced by equal weights.
public struct BucketRanges: Sendable, Equatable {
  /// The [start, end) range of each arm, in arm order.
  public let ranges: [(start: Double, end: Double)]

  /// Builds the ranges for `weights` (in arm order) and `coverage`.
  public init(weights: [Double], coverage: Double = 1) {
    let coverage = min(max(coverage, 0), 1)
    var cumulative = 0.0
    var ranges: [(start: Double, end: Double)] = []
    ranges.reserveCapacity(weights.count)
    for weight in weights {
      let start = cumulative
      cumulative += weight
      ranges.append((start, start + coverage * weight))
    }
    self.ranges = ranges
  }

  /// The index of the arm whose range contains `bucket`, or nil when it is in none.
  @inline(__always)
  public func arm(for bucket: Double) -> Int? {
    for (index, range) in ranges.enumerated() where bucket >= range.start && bucket < range.end {
      return index
    }
    return nil
  }

  public static func == (lhs: BucketRanges, rhs: BucketRanges) -> Bool {
    lhs.ranges.count == rhs.ranges.count
      && zip(lhs.ranges, rhs.ranges).allSatisfy { $0.start == $1.start && $0.end == $1.end }
  }
}
