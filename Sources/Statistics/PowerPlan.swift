/// Sample size, minimum detectable effect and power for one treatment arm against the holdout,
/// two-sided, normal approximation with unpooled variances
/// (statistics.md#holdout-plan-sample-size-and-detectable-effect; GrowthBook
/// `docs/statistics/power-technical.mdx`).
///
/// Allocation: the holdout gets κ_C = `holdoutFraction` of all users and each of the
/// `arms` − 1 treatment arms gets κ_T = (1 − κ_C)/(`arms` − 1). With total N over all arms the
/// compared pair has n_C = κ_C·N and n_T = κ_T·N users, and the standard error of the
/// difference is SE(N) = √(σ_C²/(κ_C·N) + σ_T²/(κ_T·N)). With M = z_{1−α/2} + z_{power}:
/// - users needed: N = M²·(σ_C²/κ_C + σ_T²/κ_T)/δ², rounded up; this is the total over ALL arms.
///   Equivalently, the pair alone needs N_pair = M²·(σ_C²/κ'_C + σ_T²/κ'_T)/δ² with the pair's
///   own shares κ' = κ/(κ_C + κ_T), and N = N_pair/(κ_C + κ_T) (for two arms κ_C + κ_T = 1);
/// - minimum detectable (absolute) effect for given arm sizes: M·√(σ_C²/n_C + σ_T²/n_T);
/// - power for an effect δ (`achievedPower`): Φ(δ/SE − z_{1−α/2}) + Φ(−δ/SE − z_{1−α/2}) (both
///   tails, GrowthBook eq. 4); the sample-size and MDE formulas drop the second, negligible tail.
/// Proportions use σ² = p(1 − p) per arm with p_T = p_C·(1 + relative lift) (R9: 211,301 users
/// for p_C = 4 %, +10 %, 10 % holdout, 2 arms). The relative MDE for proportions solves
/// p_C·m = M·SE(m) for m > 0 by bisection on (0, 1/p_C − 1]; SE(m) uses p_T(1 − p_T), so this is
/// the exact inverse of `usersNeeded(baseline:relativeLift:)` (f(m) = p_C·m − M·SE(m) is
/// increasing whenever n_T·p_T is not tiny, i.e. in every practical plan).
///
/// Every result is `Computed`: an invalid plan (alpha, power or holdout fraction outside (0, 1),
/// fewer than 2 arms, power ≤ α/2 so that M ≤ 0), a zero effect, zero variance, non-finite input
/// or a sample size beyond 2⁵³ give `.notComputable` with the reason, never NaN or ∞.
public struct PowerPlan: Sendable, Equatable {
  /// Two-sided significance level.
  public let alpha: Double
  /// The probability of detecting the planned effect, 1 − β.
  public let power: Double
  /// κ_C, the share of all users in the holdout.
  public let holdoutFraction: Double
  /// Total arms including the holdout.
  public let arms: Int

  /// Creates a plan; invalid values are reported by each result rather than trapping.
  public init(alpha: Double, power: Double, holdoutFraction: Double, arms: Int) {
    self.alpha = alpha
    self.power = power
    self.holdoutFraction = holdoutFraction
    self.arms = arms
  }

  /// κ_T = (1 − κ_C)/(arms − 1), each treatment arm's share of all users (0 for an invalid plan).
  public var treatmentFraction: Double {
    arms >= 2 ? (1 - holdoutFraction) / Double(arms - 1) : 0
  }

  /// Why the plan itself is invalid, or nil.
  private var planProblem: String? {
    if !(alpha > 0 && alpha < 1) { return "alpha must be between 0 and 1, got \(alpha)" }
    if !(power > 0 && power < 1) { return "power must be between 0 and 1, got \(power)" }
    if !(holdoutFraction > 0 && holdoutFraction < 1) {
      return "the holdout fraction must be between 0 and 1, got \(holdoutFraction)"
    }
    if arms < 2 {
      return "a plan needs the holdout and at least one treatment arm, got \(arms) arm(s)"
    }
    if !(multiplier > 0) { return "power \(power) is not above alpha/2, so no sample size reaches it" }
    return nil
  }

  /// M = z_{1−α/2} + z_{power}.
  private var multiplier: Double { Normal.upperQuantile(alpha / 2) + Normal.quantile(power) }

  /// Total users over all arms to detect `treatmentMean` − `controlMean` with the plan's power.
  public func usersNeeded(
    controlMean: Double, controlSD: Double, treatmentMean: Double, treatmentSD: Double
  ) -> Computed<Int> {
    if let planProblem { return .notComputable(planProblem) }
    guard [controlMean, controlSD, treatmentMean, treatmentSD].allSatisfy({ $0.isFinite }) else {
      return .notComputable("a mean or standard deviation is not finite")
    }
    guard controlSD >= 0, treatmentSD >= 0 else {
      return .notComputable("a standard deviation is negative")
    }
    let delta = treatmentMean - controlMean
    guard delta != 0 else {
      return .notComputable("the planned effect is 0, which no sample size can detect")
    }
    guard controlSD > 0 || treatmentSD > 0 else {
      return .notComputable(
        "both standard deviations are 0 (zero variance), so there is nothing to plan")
    }
    let m = multiplier
    let spread =
      controlSD * controlSD / holdoutFraction + treatmentSD * treatmentSD / treatmentFraction
    let total = (m * m * spread / (delta * delta)).rounded(.up)
    guard total.isFinite, total <= 9_007_199_254_740_992 else {
      return .notComputable("the effect is too small: more than 2^53 users would be needed")
    }
    return .value(Int(total))
  }

  /// Total users over all arms to detect a relative lift `relativeLift` on a conversion rate
  /// `baseline`: σ_C² = p_C(1 − p_C), p_T = p_C(1 + relativeLift), σ_T² = p_T(1 − p_T).
  /// Not computable unless 0 < p_C < 1 and 0 ≤ p_T ≤ 1.
  public func usersNeeded(baseline: Double, relativeLift: Double) -> Computed<Int> {
    guard baseline > 0, baseline < 1 else {
      return .notComputable("the baseline rate must be between 0 and 1, got \(baseline)")
    }
    let treated = baseline * (1 + relativeLift)
    guard treated >= 0, treated <= 1 else {
      return .notComputable("the treated rate \(treated) would be outside 0…1")
    }
    return usersNeeded(
      controlMean: baseline, controlSD: (baseline * (1 - baseline)).squareRoot(),
      treatmentMean: treated, treatmentSD: (treated * (1 - treated)).squareRoot())
  }

  /// The absolute minimum detectable effect M·√(σ_C²/n_C + σ_T²/n_T) for the given arm sizes
  /// (the plan's allocation is not used; its alpha and power are).
  public func minimumDetectableEffect(
    controlSD: Double, treatmentSD: Double, controlUsers: Int, treatmentUsers: Int
  ) -> Computed<Double> {
    if let planProblem { return .notComputable(planProblem) }
    switch standardError(controlSD, treatmentSD, controlUsers, treatmentUsers) {
    case .notComputable(let reason): return .notComputable(reason)
    case .value(let se): return .value(multiplier * se)
    }
  }

  /// The power Φ(δ/SE − z_{1−α/2}) + Φ(−δ/SE − z_{1−α/2}) of the two-sided test for a true
  /// difference δ = `effect` with the given arm sizes (the plan's alpha is used, its power not).
  public func achievedPower(
    effect: Double, controlSD: Double, treatmentSD: Double, controlUsers: Int, treatmentUsers: Int
  ) -> Computed<Double> {
    if let planProblem { return .notComputable(planProblem) }
    guard effect.isFinite else { return .notComputable("the effect is not finite") }
    switch standardError(controlSD, treatmentSD, controlUsers, treatmentUsers) {
    case .notComputable(let reason): return .notComputable(reason)
    case .value(let se):
      let z = Normal.upperQuantile(alpha / 2)
      let shift = effect / se
      return .value(min(1, Normal.cdf(shift - z) + Normal.cdf(-shift - z)))
    }
  }

  /// The smallest positive relative lift m on a conversion rate `baseline` that the plan detects
  /// with `totalUsers` over all arms: the root of p_C·m = M·√(p_C(1 − p_C)/n_C + p_T(1 − p_T)/n_T),
  /// p_T = p_C(1 + m), n_C = κ_C·N, n_T = κ_T·N, by bisection to 1e-15 relative.
  public func minimumDetectableRelativeLift(baseline: Double, totalUsers: Int) -> Computed<Double> {
    if let planProblem { return .notComputable(planProblem) }
    guard baseline > 0, baseline < 1 else {
      return .notComputable("the baseline rate must be between 0 and 1, got \(baseline)")
    }
    guard totalUsers > 0 else { return .notComputable("there are no users to plan with") }
    let m = multiplier
    let nC = holdoutFraction * Double(totalUsers)
    let nT = treatmentFraction * Double(totalUsers)
    func gap(_ lift: Double) -> Double {
      let treated = baseline * (1 + lift)
      let se = (baseline * (1 - baseline) / nC + treated * (1 - treated) / nT).squareRoot()
      return baseline * lift - m * se
    }
    var high = 1 / baseline - 1  // p_T = 1
    guard gap(high) >= 0 else {
      return .notComputable(
        "with \(totalUsers) users even a lift to a 100% rate is not detectable at this power")
    }
    var low = 0.0
    for _ in 0..<200 {
      let middle = 0.5 * (low + high)
      if gap(middle) >= 0 { high = middle } else { low = middle }
      if high - low <= 1e-15 * high { break }
    }
    return .value(high)
  }

  /// √(σ_C²/n_C + σ_T²/n_T), or the reason it is undefined.
  private func standardError(
    _ controlSD: Double, _ treatmentSD: Double, _ controlUsers: Int, _ treatmentUsers: Int
  ) -> Computed<Double> {
    guard controlUsers > 0, treatmentUsers > 0 else {
      return .notComputable("each arm needs at least one user")
    }
    guard controlSD.isFinite, treatmentSD.isFinite, controlSD >= 0, treatmentSD >= 0 else {
      return .notComputable("a standard deviation is negative or not finite")
    }
    let controlVariance = controlSD * controlSD / Double(controlUsers)
    let treatmentVariance = treatmentSD * treatmentSD / Double(treatmentUsers)
    let se = (controlVariance + treatmentVariance).squareRoot()
    guard se > 0 else {
      return .notComputable("both standard deviations are 0 (zero variance)")
    }
    return .value(se)
  }
}
