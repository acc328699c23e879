/// Sufficient statistics of a metric over a set of users: the count, the mean and centred second
/// moments of the metric `x` and of its pre-period value `pre`, and their co-moment.
///
/// Stored centred (Welford) rather than as raw sums, because Σx² − (Σx)²/n cancels
/// catastrophically for revenue-like data with large n. Two sets merge exactly as in
/// Chan, Golub & LeVeque (1979): with n = n_A + n_B and δ = m_B − m_A,
/// m = m_A + δ·n_B/n and M2 = M2_A + M2_B + δ²·n_A·n_B/n (co-moments analogously).
///
/// The raw sums a warehouse query returns (n, Σx, Σx², Σpre, Σpre², Σx·pre) are derived
/// properties, and `init(count:sum:sumOfSquares:…)` builds the statistics from them.
public struct Moments: Sendable, Equatable {
  /// Number of users.
  public private(set) var count: Int = 0
  /// Mean of x.
  public private(set) var mean: Double = 0
  /// Σ(x − mean)².
  public private(set) var m2: Double = 0
  /// Mean of the pre-period value.
  public private(set) var preMean: Double = 0
  /// Σ(pre − preMean)².
  public private(set) var preM2: Double = 0
  /// Σ(x − mean)(pre − preMean).
  public private(set) var coMoment: Double = 0

  /// Empty statistics.
  public init() {}

  /// Statistics from centred moments (exact sums converted by the caller).
  public init(
    count: Int, mean: Double, m2: Double, preMean: Double = 0, preM2: Double = 0,
    coMoment: Double = 0
  ) {
    self.count = count
    self.mean = mean
    self.m2 = max(0, m2)
    self.preMean = preMean
    self.preM2 = max(0, preM2)
    self.coMoment = coMoment
  }

  /// Statistics from raw sums, the form a warehouse query returns. Pre-period sums default to 0.
  public init(
    count: Int, sum: Double, sumOfSquares: Double,
    preSum: Double = 0, preSumOfSquares: Double = 0, sumOfProducts: Double = 0
  ) {
    self.count = count
    guard count > 0 else { return }
    let n = Double(count)
    mean = sum / n
    m2 = max(0, sumOfSquares - sum * sum / n)
    preMean = preSum / n
    preM2 = max(0, preSumOfSquares - preSum * preSum / n)
    coMoment = sumOfProducts - sum * preSum / n
  }

  /// Adds one user's value `x` and pre-period value `pre` (Welford's update).
  public mutating func add(_ x: Double, pre: Double = 0) {
    count += 1
    let n = Double(count)
    let dx = x - mean
    mean += dx / n
    let dPre = pre - preMean
    preMean += dPre / n
    m2 += dx * (x - mean)
    preM2 += dPre * (pre - preMean)
    coMoment += dx * (pre - preMean)
  }

  /// Merges another set of statistics into this one (Chan–Golub–LeVeque).
  public mutating func merge(_ other: Moments) {
    guard other.count > 0 else { return }
    guard count > 0 else { self = other; return }
    let nA = Double(count)
    let nB = Double(other.count)
    let n = nA + nB
    let dx = other.mean - mean
    let dPre = other.preMean - preMean
    mean += dx * nB / n
    preMean += dPre * nB / n
    m2 += other.m2 + dx * dx * nA * nB / n
    preM2 += other.preM2 + dPre * dPre * nA * nB / n
    coMoment += other.coMoment + dx * dPre * nA * nB / n
    count += other.count
  }

  /// Σx.
  public var sum: Double { mean * Double(count) }
  /// Σx².
  public var sumOfSquares: Double { m2 + Double(count) * mean * mean }
  /// Σpre.
  public var preSum: Double { preMean * Double(count) }
  /// Σpre².
  public var preSumOfSquares: Double { preM2 + Double(count) * preMean * preMean }
  /// Σx·pre.
  public var sumOfProducts: Double { coMoment + Double(count) * mean * preMean }

  /// The sample variance of x with the n − 1 divisor; 0 when n < 2.
  public var sampleVariance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
  /// The sample variance of the pre-period value with the n − 1 divisor; 0 when n < 2.
  public var preSampleVariance: Double { count > 1 ? preM2 / Double(count - 1) : 0 }
  /// The sample covariance of x and pre with the n − 1 divisor; 0 when n < 2.
  public var sampleCovariance: Double { count > 1 ? coMoment / Double(count - 1) : 0 }
  /// The covariance of x and pre with the n divisor (0/1 metrics, `ArmStatistic`); 0 when n < 2.
  public var populationCovariance: Double { count > 1 ? coMoment / Double(count) : 0 }
}
