/// What one arm contributes to a comparison: its size, the mean and per-user variance of the
/// metric y, and (for CUPED) of its pre-period value x and their covariance.
///
/// The variance conventions follow GrowthBook's `gbstats` at commit 8f1db44 (2026-08-21; the
/// reference of docs/statistics.md#per-arm-variance-growthbook-conventions) so results agree
/// with it:
/// - `.proportion` (conversion, retention): mean p = Σy/n and per-user variance p(1 − p), the
///   population form with divisor n (`ProportionStatistic`); the same for x; and the
///   covariance Σxy/n − ΣxΣy/n², divisor n to match (`compute_covariance` since GrowthBook PR
///   #4250, 2025-07: with n − 1 a small binomial arm's covariance matrix could be indefinite);
/// - `.mean` (counts, revenue): sample variance (Σy² − (Σy)²/n)/(n − 1) (`SampleMeanStatistic`)
///   and covariance (Σxy − ΣxΣy/n)/(n − 1).
public struct ArmStatistic: Sendable, Equatable {
  /// How the per-user variance is estimated.
  public enum Family: String, Sendable, Equatable {
    case proportion
    case mean
  }

  /// Number of users in the arm.
  public let count: Int
  /// The arm's mean of y.
  public let mean: Double
  /// The per-user variance s²_y (not the variance of the mean).
  public let variance: Double
  /// The mean of the pre-period value x (0 without one).
  public let preMean: Double
  /// The per-user variance s²_x of the pre-period value.
  public let preVariance: Double
  /// The per-user covariance s_xy.
  public let covariance: Double

  /// Creates the statistic directly (no pre-period covariate unless given).
  public init(
    count: Int, mean: Double, variance: Double, preMean: Double = 0, preVariance: Double = 0,
    covariance: Double = 0
  ) {
    self.count = count
    self.mean = mean
    self.variance = variance
    self.preMean = preMean
    self.preVariance = preVariance
    self.covariance = covariance
  }

  /// The statistic of `moments` under the variance convention of `family`.
  public init(_ moments: Moments, family: Family) {
    count = moments.count
    mean = moments.mean
    preMean = moments.preMean
    switch family {
    case .proportion:
      variance = max(0, moments.mean * (1 - moments.mean))
      preVariance = max(0, moments.preMean * (1 - moments.preMean))
      covariance = moments.populationCovariance
    case .mean:
      variance = moments.sampleVariance
      preVariance = moments.preSampleVariance
      covariance = moments.sampleCovariance
    }
  }

  /// The variance of the arm's mean, s²/n.
  public var varianceOfMean: Double { count > 0 ? variance / Double(count) : 0 }

  /// The CUPED-adjusted mean ȳ − θx̄.
  public func adjustedMean(theta: Double) -> Double { mean - theta * preMean }

  /// The CUPED-adjusted per-user variance s²_y + θ²s²_x − 2θs_xy (never negative).
  public func adjustedVariance(theta: Double) -> Double {
    max(0, variance + theta * theta * preVariance - 2 * theta * covariance)
  }

  /// CUPED's θ = Cov(y, x)/Var(x), estimated once on the two arms pooled (Deng et al. 2013;
  /// gbstats `compute_theta`), so the same θ adjusts both arms. Nil when the pooled variance of
  /// y or of x is 0 (no pre-period information), in which case no adjustment is made.
  public static func pooledTheta(_ a: Moments, _ b: Moments, family: Family) -> Double? {
    var pooled = a
    pooled.merge(b)
    let joint = ArmStatistic(pooled, family: family)
    guard joint.preVariance > 0, joint.variance > 0 else { return nil }
    let theta = joint.covariance / joint.preVariance
    return theta.isFinite ? theta : nil
  }
}
