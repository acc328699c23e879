/// An estimated effect with its uncertainty: a point estimate, standard error, two-sided
/// confidence interval at the requested level, p-value against 0 and the degrees of freedom used.
public struct Effect: Sendable, Equatable {
  /// The point estimate.
  public let estimate: Double
  /// Its standard error.
  public let standardError: Double
  /// The lower confidence limit.
  public let lower: Double
  /// The upper confidence limit.
  public let upper: Double
  /// The two-sided p-value for "no effect".
  public let pValue: Double
  /// The degrees of freedom of the reference t distribution; 0 means a normal (z) reference.
  public let degreesOfFreedom: Double

  /// Creates an effect from its parts.
  public init(
    estimate: Double, standardError: Double, lower: Double, upper: Double, pValue: Double,
    degreesOfFreedom: Double
  ) {
    self.estimate = estimate
    self.standardError = standardError
    self.lower = lower
    self.upper = upper
    self.pValue = pValue
    self.degreesOfFreedom = degreesOfFreedom
  }

  /// The same effect with estimate and limits multiplied by `factor` (> 0), e.g. per-user
  /// difference × treatment users = incremental total.
  public func scaled(by factor: Double) -> Effect {
    Effect(
      estimate: estimate * factor, standardError: standardError * factor, lower: lower * factor,
      upper: upper * factor, pValue: pValue, degreesOfFreedom: degreesOfFreedom)
  }
}
