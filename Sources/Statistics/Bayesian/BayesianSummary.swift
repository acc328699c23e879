#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Bayesian reading of an effect estimate: GrowthBook's `EffectBayesianABTest`
/// (gbstats `bayesian/tests.py`), a Gaussian approximation on the effect (absolute or relative).
///
/// The likelihood is N(Δ̂, SE²) with Δ̂ and SE from the frequentist effect
/// (statistics.md#absolute-difference-welchs-t, statistics.md#relative-lift). With no prior (flat,
/// improper — GrowthBook's default) the posterior is N(Δ̂, SE²). With a proper prior N(μ₀, σ₀²):
/// precision = 1/SE² + 1/σ₀², mean = (Δ̂/SE² + μ₀/σ₀²)/precision, sd = √(1/precision)
/// (evaluated as precision-weighted averages that cannot overflow for tiny SE or σ₀).
///
/// From the posterior N(μ, σ²):
/// - chance to beat control P(Δ > 0) = 1 − Φ(−μ/σ), evaluated as the upper tail `Normal.sf`
///   (erfc-based, no 1 − cdf cancellation);
/// - credible interval: the posterior quantiles α/2 and 1 − α/2;
/// - risk of choosing control E[max(Δ, 0)] = μΦ(μ/σ) + σφ(μ/σ) and risk of choosing treatment
///   E[max(−Δ, 0)] = −μΦ(−μ/σ) + σφ(μ/σ) (gbstats computes these with truncnorm; the closed
///   forms agree to 1e-16). Where μ/σ < −3 the sum xΦ(x) + φ(x) cancels, so it is evaluated as
///   φ(x)·K/(t + K), t = −x, with K = 1/(t + 2/(t + 3/(t + …))) the tail of the Mills-ratio
///   continued fraction (Abramowitz & Stegun 26.2.14); it underflows to 0 gracefully.
///
/// For metrics where lower is better, GrowthBook reports 1 − chance and swaps the two risks.
/// Edge cases: SE = 0 makes the posterior a point mass at Δ̂ (the data are exact): chance is 1 if
/// Δ̂ > 0 else 0, the interval is [Δ̂, Δ̂], the risks are max(Δ̂, 0) and max(−Δ̂, 0). Results are
/// never NaN for finite input; `summarizing(_:alpha:prior:)` accepts a `Computed<Effect>` and
/// rejects non-finite input with a reason instead of trapping.
public struct BayesianSummary: Sendable, Equatable {
  /// The posterior mean μ.
  public let posteriorMean: Double
  /// The posterior standard deviation σ.
  public let posteriorStandardDeviation: Double
  /// P(Δ > 0) under the posterior.
  public let chanceToBeatControl: Double
  /// The α/2 posterior quantile.
  public let credibleLower: Double
  /// The 1 − α/2 posterior quantile.
  public let credibleUpper: Double
  /// E[max(Δ, 0)]: the expected loss of keeping control if treatment is in fact better.
  public let riskOfChoosingControl: Double
  /// E[max(−Δ, 0)]: the expected loss of shipping treatment if it is in fact worse.
  public let riskOfChoosingTreatment: Double

  /// The summary read in the metric's good direction: for a metric where lower is better
  /// (a guardrail whose increase is harmful), improvement is Δ < 0, so the chance is 1 − P(Δ > 0)
  /// and the two expected losses swap (GrowthBook does the same for inverse metrics).
  public struct Direction: Sendable, Equatable {
    /// P(the metric moved in its good direction).
    public let chanceOfImprovement: Double
    /// The expected relative loss of shipping the treatment if it is in fact worse.
    public let lossIfShipped: Double
    /// The expected relative loss of keeping the control if the treatment is in fact better.
    public let lossIfHeldBack: Double
  }

  /// This summary in the metric's good direction (see `Direction`).
  public func direction(lowerIsBetter: Bool) -> Direction {
    lowerIsBetter
      ? Direction(
        chanceOfImprovement: 1 - chanceToBeatControl, lossIfShipped: riskOfChoosingControl,
        lossIfHeldBack: riskOfChoosingTreatment)
      : Direction(
        chanceOfImprovement: chanceToBeatControl, lossIfShipped: riskOfChoosingTreatment,
        lossIfHeldBack: riskOfChoosingControl)
  }

  /// Combines the estimate `estimate` ± `standardError` with `prior` (nil = flat prior) and
  /// summarises the posterior at credible level 1 − `alpha`.
  ///
  /// Preconditions: `estimate` finite, `standardError` finite and ≥ 0, 0 < `alpha` < 1. Use
  /// `summarizing(_:alpha:prior:)` for values that have not been validated.
  public init(estimate: Double, standardError: Double, alpha: Double, prior: NormalPrior?) {
    precondition(estimate.isFinite, "the estimate must be finite")
    precondition(standardError >= 0 && standardError.isFinite, "the standard error must be finite and ≥ 0")
    precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1)")
    let (mu, sigma) = Self.posterior(estimate: estimate, standardError: standardError, prior: prior)
    posteriorMean = mu
    posteriorStandardDeviation = sigma
    if sigma == 0 {
      chanceToBeatControl = mu > 0 ? 1 : 0
      credibleLower = mu
      credibleUpper = mu
      riskOfChoosingControl = max(mu, 0)
      riskOfChoosingTreatment = max(-mu, 0)
      return
    }
    let z = mu / sigma
    chanceToBeatControl = Normal.sf(-z)
    let q = Normal.upperQuantile(alpha / 2)
    credibleLower = mu - q * sigma
    credibleUpper = mu + q * sigma
    riskOfChoosingControl = sigma * Self.positivePartMean(z)
    riskOfChoosingTreatment = sigma * Self.positivePartMean(-z)
  }

  /// The summary of a computed effect, or the effect's own reason when it is not computable;
  /// also not computable when the estimate or standard error is not finite or the standard
  /// error is negative.
  public static func summarizing(
    _ effect: Computed<Effect>, alpha: Double, prior: NormalPrior?
  ) -> Computed<BayesianSummary> {
    switch effect {
    case .notComputable(let reason):
      return .notComputable(reason)
    case .value(let e):
      guard e.estimate.isFinite, e.standardError.isFinite else {
        return .notComputable("the estimate or its standard error is not finite")
      }
      guard e.standardError >= 0 else {
        return .notComputable("the standard error is negative")
      }
      return .value(
        BayesianSummary(estimate: e.estimate, standardError: e.standardError, alpha: alpha, prior: prior))
    }
  }

  /// The posterior (mean, sd). With r = SE/σ₀ the weight of the prior mean is r²/(1 + r²) and
  /// sd = SE/√(1 + r²) — the same as the precision form, but finite for any finite positive
  /// SE and σ₀ (the larger of r and 1/r is used so that nothing overflows).
  static func posterior(estimate: Double, standardError: Double, prior: NormalPrior?) -> (Double, Double) {
    guard let prior, standardError > 0 else { return (estimate, standardError) }
    let sePrior = prior.standardDeviation
    if standardError <= sePrior {
      let r = standardError / sePrior
      let r2 = r * r
      let priorWeight = r2 / (1 + r2)
      return (
        (1 - priorWeight) * estimate + priorWeight * prior.mean,
        standardError / (1 + r2).squareRoot()
      )
    }
    let q = sePrior / standardError
    let q2 = q * q
    let dataWeight = q2 / (1 + q2)
    return (
      dataWeight * estimate + (1 - dataWeight) * prior.mean,
      sePrior / (1 + q2).squareRoot()
    )
  }

  /// G(x) = E[max(Z + x, 0)] = xΦ(x) + φ(x) for a standard normal Z.
  ///
  /// For x ≥ −3 the direct sum (at most one digit lost at x = −3). For x < −3, with t = −x,
  /// 1 − t·M(t) = K/(t + K) where M(t) = (1 − Φ(t))/φ(t) = 1/(t + K) and
  /// K = 1/(t + 2/(t + 3/(t + …))) (Mills-ratio continued fraction, A&S 26.2.14), evaluated
  /// backwards from depth 80 (relative error < 1e-15 for t ≥ 3, checked against mpmath).
  static func positivePartMean(_ x: Double) -> Double {
    if x >= -3 { return x * Normal.cdf(x) + Normal.pdf(x) }
    let t = -x
    var f = t
    var k = 80.0
    while k >= 2 {
      f = t + k / f
      k -= 1
    }
    let tail = 1 / f
    return Normal.pdf(x) * tail / (t + tail)
  }
}
