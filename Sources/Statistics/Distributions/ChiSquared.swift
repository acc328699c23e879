/// The chi-square distribution with `degreesOfFreedom` k > 0.
///
/// cdf(x) = P(k/2, x/2) and sf(x) = Q(k/2, x/2), the regularized incomplete gamma functions.
/// Used for the sample-ratio-mismatch test and the log-rank test.
public struct ChiSquared: Sendable, Equatable {
  /// The degrees of freedom, k > 0.
  public let degreesOfFreedom: Double

  /// Creates the distribution; `degreesOfFreedom` must be positive.
  public init(degreesOfFreedom: Double) {
    precondition(degreesOfFreedom > 0, "chi-square needs positive degrees of freedom")
    self.degreesOfFreedom = degreesOfFreedom
  }

  /// P(X ≤ x).
  public func cdf(_ x: Double) -> Double {
    IncompleteGamma.lower(a: degreesOfFreedom / 2, x: x / 2)
  }

  /// P(X > x), computed directly so that tiny tails keep full relative precision.
  public func sf(_ x: Double) -> Double {
    IncompleteGamma.upper(a: degreesOfFreedom / 2, x: x / 2)
  }
}
