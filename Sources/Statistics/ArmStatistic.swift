/// What one arm contributes to a comparison: its size, mean and per-user variance.
///
/// The variance convention follows GrowthBook's `gbstats` so results agree with it:
/// - `.proportion` (conversion, retention): mean p = Σx/n and per-user variance p(1 − p), the
///   population form with divisor n (`ProportionStatistic`);
/// - `.mean` (counts, revenue): sample variance (Σx² − (Σx)²/n)/(n − 1) (`SampleMeanStatistic`).
public struct ArmStatistic: Sendable, Equatable {
  /// How the per-user variance is estimated.
  public enum Family: String, Sendable, Equatable {
    case proportion
    case mean
  }

  /// Number of users in the arm.
  public let count: Int
  /// The arm's mean.
  public let mean: Double
  /// The per-user variance s² (not the variance of the mean).
  public let variance: Double

  /// Creates the statistic directly.
  public init(count: Int, mean: Double, variance: Double) {
    self.count = count
    self.mean = mean
    self.variance = variance
  }

  /// The statistic of `moments` under the variance convention of `family`.
  public init(_ moments: Moments, family: Family) {
    count = moments.count
    mean = moments.mean
    switch family {
    case .proportion: variance = max(0, moments.mean * (1 - moments.mean))
    case .mean: variance = moments.sampleVariance
    }
  }

  /// The variance of the arm's mean, s²/n.
  public var varianceOfMean: Double { count > 0 ? variance / Double(count) : 0 }
}
