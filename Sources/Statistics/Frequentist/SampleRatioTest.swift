/// The sample-ratio-mismatch (SRM) check: Pearson's chi-square goodness of fit of the observed
/// arm sizes against the configured weights.
///
/// E_i = N·w_i/Σw, χ² = Σ(O_i − E_i)²/E_i, df = k − 1, p = P(χ²_{k−1} ≥ χ²). Arms with weight
/// ≤ 0 are skipped. Flagged when p < `threshold` (0.001, GrowthBook's and Eppo's default: the
/// check is re-run on every refresh, so it must rarely false-alarm). With fewer than
/// `minimumUsersPerArm` (8) users in any arm the verdict is "not enough data".
public struct SampleRatioTest: Sendable, Equatable {
  /// The outcome of the check.
  public enum Verdict: String, Sendable, Equatable {
    case ok
    case mismatch
    case notEnoughData = "not_enough_data"
  }

  /// The chi-square statistic.
  public let chiSquare: Double
  /// Degrees of freedom, k − 1.
  public let degreesOfFreedom: Int
  /// The p-value, P(χ²_{k−1} ≥ chiSquare).
  public let pValue: Double
  /// The expected count per arm under the configured weights.
  public let expected: [Double]
  /// The verdict.
  public let verdict: Verdict

  /// Tests `observed` counts against `weights` (same order).
  public init(
    observed: [Int], weights: [Double], threshold: Double = 0.001, minimumUsersPerArm: Int = 8
  ) {
    precondition(observed.count == weights.count, "one weight per arm")
    let active = zip(observed, weights).filter { $0.1 > 0 }
    let total = Double(active.reduce(0) { $0 + $1.0 })
    let weightSum = active.reduce(0.0) { $0 + $1.1 }
    var chi = 0.0
    var expected: [Double] = []
    for (count, weight) in zip(observed, weights) {
      let e = weight > 0 ? total * weight / weightSum : 0
      expected.append(e)
      if weight > 0 && e > 0 {
        let d = Double(count) - e
        chi += d * d / e
      }
    }
    self.expected = expected
    chiSquare = chi
    degreesOfFreedom = max(active.count - 1, 0)
    if degreesOfFreedom == 0 || total == 0 {
      pValue = 1
    } else {
      pValue = ChiSquared(degreesOfFreedom: Double(degreesOfFreedom)).sf(chi)
    }
    if active.contains(where: { $0.0 < minimumUsersPerArm }) {
      verdict = .notEnoughData
    } else {
      verdict = pValue < threshold ? .mismatch : .ok
    }
  }
}
