/// A normal prior N(μ₀, σ₀²) on an effect, on the same scale as the effect it is combined with.
///
/// GrowthBook's proper prior is N(0, 0.3²) on the *relative* lift (`DEFAULT_PROPER_PRIOR_STDDEV`);
/// for an absolute effect gbstats rescales it to N(μ₀·|ȳ_C|, σ₀²·ȳ_C²). The caller does that
/// rescaling (e.g. `NormalPrior(mean: 0, standardDeviation: 0.3 * abs(controlMean))`).
public struct NormalPrior: Sendable, Equatable {
  /// The prior mean μ₀.
  public let mean: Double
  /// The prior standard deviation σ₀ > 0.
  public let standardDeviation: Double

  /// Creates the prior. `mean` must be finite and `standardDeviation` finite and positive
  /// (precondition: a prior is configuration, not data).
  public init(mean: Double, standardDeviation: Double) {
    precondition(mean.isFinite, "the prior mean must be finite")
    precondition(
      standardDeviation > 0 && standardDeviation.isFinite,
      "the prior standard deviation must be finite and positive")
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// GrowthBook's default proper prior on the relative lift, N(0, 0.3²).
  public static let growthBookRelative = NormalPrior(mean: 0, standardDeviation: 0.3)
}
