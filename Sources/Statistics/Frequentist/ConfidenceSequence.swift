#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// GrowthBook's asymptotic confidence sequence for an effect that is looked at repeatedly (e.g.
/// every weekly report): the interval and p-value stay valid for any number of looks and
/// data-dependent stopping.
///
/// Source: Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas, "Time-uniform central limit theory and
/// asymptotic confidence sequences", arXiv 2103.06476v7 (eqs. 9, 155, 161), as implemented by
/// gbstats `SequentialTwoSidedTTest` (`packages/stats/gbstats/frequentist/tests.py`).
///
/// With N the total users of the two compared arms, SE the fixed-horizon standard error of the
/// effect (absolute Welch SE or delta-method relative SE — the same formulas apply to both),
/// N* the tuning parameter (the total at which the sequence is tightest, GrowthBook's default
/// 5,000) and σ̂² = SE²·N:
/// - ρ = √((−2 ln α + ln(−2 ln α + 1))/N*) (eq. 161);
/// - half-width h = σ̂·√(2(Nρ² + 1)/(N²ρ²)·ln(√(Nρ² + 1)/α)) (eq. 9), interval = estimate ± h;
/// - p-value: S² = estimate²·N/SE², E = exp(ρ²S²/(2(Nρ² + 1)))/√(Nρ² + 1), p = min(1, 1/E)
///   (eq. 155 reparameterised). GrowthBook does not take the running minimum over looks.
///
/// The sequence equals the mSPRT confidence sequence with mixing variance τ² = ρ²σ̂²
/// (statistics.md#always-valid-intervals-peeking-every-week); the ratio h/(z_{1−α/2}·SE) depends
/// only on N/N* and α (1.549 at N = N*, 1.70 at N = 20N* for α = 0.05).
///
/// Parameters `alpha` ∈ (0, 1) and `tuning` > 0 are configuration and are checked with
/// preconditions (the experiment-file decoder validates alpha). Degenerate data are total:
/// see each function, or use `effect(estimate:standardError:totalUsers:alpha:tuning:)`, which
/// reports them as `.notComputable`.
public enum ConfidenceSequence {
  /// GrowthBook's default tuning parameter N* (`DEFAULT_SEQUENTIAL_TESTING_TUNING_PARAMETER`).
  public static let defaultTuning: Double = 5_000

  /// ρ = √((−2 ln α + ln(−2 ln α + 1))/N*), eq. 161 of arXiv 2103.06476v7.
  ///
  /// Requires 0 < α < 1 and a finite tuning N* > 0 (precondition).
  public static func rho(alpha: Double, tuning: Double) -> Double {
    precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1)")
    precondition(tuning > 0 && tuning.isFinite, "the tuning parameter N* must be positive")
    let minusTwoLogAlpha = -2 * log(alpha)
    return ((minusTwoLogAlpha + log(minusTwoLogAlpha + 1)) / tuning).squareRoot()
  }

  /// The half-width h = σ̂·√(2(Nρ² + 1)/(N²ρ²)·ln(√(Nρ² + 1)/α)) with N = `totalUsers` and
  /// σ̂² = SE²·N (eq. 9 of arXiv 2103.06476v7, gbstats `SequentialTwoSidedTTest`).
  ///
  /// A standard error of 0 gives 0. With no users (`totalUsers` < 1) or a negative or non-finite
  /// standard error there is no interval; the function then returns `Double.greatestFiniteMagnitude`
  /// (an interval that excludes nothing, never ∞ or NaN).
  public static func halfWidth(
    standardError: Double, totalUsers: Int, alpha: Double, tuning: Double
  ) -> Double {
    halfWidth(standardError: standardError, totalUsers: totalUsers, alpha: alpha, rho: rho(alpha: alpha, tuning: tuning))
  }

  /// The half-width at level `alpha` of the sequence whose mixture is `rho`: with ρ tuned for
  /// the analysis' α (`rho(alpha:tuning:)`), the interval at any other level a is exactly the set
  /// of effects whose always-valid p-value (at that ρ) is above a, so it excludes 0 exactly when
  /// `pValue` < a. A report's family-adjusted intervals use this (`Decision`); re-tuning ρ for a
  /// would part the interval from the printed p-value.
  public static func halfWidth(
    standardError: Double, totalUsers: Int, alpha: Double, rho: Double
  ) -> Double {
    guard totalUsers >= 1, standardError >= 0, standardError.isFinite else {
      return .greatestFiniteMagnitude
    }
    if standardError == 0 { return 0 }
    let n = Double(totalUsers)
    let rho2 = rho * rho
    let s2 = standardError * standardError * n
    let nRhoSquaredPlusOne = n * rho2 + 1
    let nRho = n * rho
    // Same grouping as gbstats so the two agree to the last bits.
    let width =
      s2.squareRoot()
      * (2 * nRhoSquaredPlusOne * log(nRhoSquaredPlusOne.squareRoot() / alpha) / (nRho * nRho))
      .squareRoot()
    return width.isFinite ? width : .greatestFiniteMagnitude
  }

  /// The always-valid p-value p = min(1, 1/E), E = exp(ρ²S²/(2(Nρ² + 1)))/√(Nρ² + 1),
  /// S² = estimate²·N/SE² (eq. 155 of arXiv 2103.06476v7, gbstats `SequentialTwoSidedTTest`),
  /// against the null value 0.
  ///
  /// Evaluated in log space, ln E = ρ²S²/(2(Nρ² + 1)) − ½ ln(Nρ² + 1), so a huge S² never
  /// overflows: p then underflows to 0 (gbstats forms E itself, which overflows to ∞ for
  /// ln E > 709 and also gives 0). Degenerate input — `totalUsers` < 1, a standard error that is
  /// 0, negative or non-finite, or a non-finite estimate — claims no evidence and returns 1.
  public static func pValue(
    estimate: Double, standardError: Double, totalUsers: Int, alpha: Double, tuning: Double
  ) -> Double {
    let rho = rho(alpha: alpha, tuning: tuning)
    guard totalUsers >= 1, standardError > 0, standardError.isFinite, estimate.isFinite else {
      return 1
    }
    let n = Double(totalUsers)
    let rho2 = rho * rho
    let standardized = estimate / standardError
    let s2 = standardized * standardized * n  // may be +∞; handled below
    let nRhoSquaredPlusOne = n * rho2 + 1
    let logE = rho2 * s2 / (2 * nRhoSquaredPlusOne) - 0.5 * log(nRhoSquaredPlusOne)
    if !(logE > 0) { return 1 }  // E ≤ 1 → p = 1
    if logE == .infinity { return 0 }
    return exp(-logE)
  }

  /// The sequential interval and p-value as an `Effect`: estimate ± h and p from
  /// `pValue(estimate:standardError:totalUsers:alpha:tuning:)`.
  ///
  /// `degreesOfFreedom` is 0, meaning "no t reference distribution" (the sequence is
  /// asymptotically normal; ∞ is never stored). Not computable when `totalUsers` < 1, when the
  /// estimate or standard error is not finite, or when the standard error is not positive.
  public static func effect(
    estimate: Double, standardError: Double, totalUsers: Int, alpha: Double,
    tuning: Double = defaultTuning
  ) -> Computed<Effect> {
    if totalUsers < 1 {
      return .notComputable("there are no users, so a confidence sequence is undefined")
    }
    if !estimate.isFinite || !standardError.isFinite {
      return .notComputable("the estimate or its standard error is not finite")
    }
    if standardError <= 0 {
      return .notComputable("the standard error is 0 (zero variance), so a confidence sequence is undefined")
    }
    let effect = interval(
      estimate: estimate, standardError: standardError, totalUsers: totalUsers, alpha: alpha, tuning: tuning,
      degreesOfFreedom: 0)
    guard effect.lower.isFinite, effect.upper.isFinite else {
      return .notComputable("the confidence sequence is too wide to represent")
    }
    return .value(effect)
  }

  /// The always-valid `Effect` of an estimate, unchecked: estimate ± h (`halfWidth`) and the
  /// always-valid p-value (`pValue`). The one place such an effect is built: `effect(…)` (which
  /// checks its inputs first) and `WelchComparison` (whose inputs are checked already, and which
  /// keeps its Welch ν as `degreesOfFreedom` for display; the interval does not use it).
  public static func interval(
    estimate: Double, standardError: Double, totalUsers: Int, alpha: Double, tuning: Double,
    degreesOfFreedom: Double
  ) -> Effect {
    let h = halfWidth(standardError: standardError, totalUsers: totalUsers, alpha: alpha, tuning: tuning)
    let p = pValue(
      estimate: estimate, standardError: standardError, totalUsers: totalUsers, alpha: alpha,
      tuning: tuning)
    return Effect(
      estimate: estimate, standardError: standardError, lower: estimate - h, upper: estimate + h, pValue: p,
      degreesOfFreedom: degreesOfFreedom)
  }
}
