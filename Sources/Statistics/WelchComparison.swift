/// Treatment-versus-control comparison of one metric: Welch's unequal-variance t with
/// Welch–Satterthwaite degrees of freedom, and the relative lift by the delta method, following
/// GrowthBook's frequentist engine (`gbstats` `TwoSidedTTest`).
///
/// With v_a = s_a²/n_a:
/// - absolute Δ = ȳ_T − ȳ_C, SE = √(v_T + v_C),
///   ν = (v_T + v_C)² / (v_T²/(n_T − 1) + v_C²/(n_C − 1)) (Welch 1947; Satterthwaite 1946),
///   CI = Δ ± t_{1−α/2,ν}·SE, p = P(|T_ν| > |Δ/SE|);
/// - relative L = (ȳ_T − ȳ_C)/|ȳ_C|, Var(L) = v_T/ȳ_C² + v_C·ȳ_T²/ȳ_C⁴ (delta method, arms
///   independent), CI = L ± t_{1−α/2,ν}·SE(L) with the same ν, symmetric as in GrowthBook.
///
/// Edge cases are explicit: an arm with fewer than 2 users, zero variance in both arms, or a
/// zero control mean (for the relative lift) yield `.notComputable` with the reason.
public struct WelchComparison: Sendable, Equatable {
  /// The absolute difference treatment − control.
  public let absolute: Computed<Effect>
  /// The relative lift (treatment − control)/|control|.
  public let relative: Computed<Effect>

  /// Compares `treatment` against `control` at significance level `alpha` (two-sided).
  public init(control: ArmStatistic, treatment: ArmStatistic, alpha: Double = 0.05) {
    if let reason = Self.degenerateReason(control: control, treatment: treatment) {
      absolute = .notComputable(reason)
      relative = .notComputable(reason)
      return
    }
    let vT = treatment.varianceOfMean
    let vC = control.varianceOfMean
    let nu = Self.welchDegreesOfFreedom(vT: vT, nT: treatment.count, vC: vC, nC: control.count)
    let distribution = StudentT(degreesOfFreedom: nu)
    let critical = distribution.quantile(1 - alpha / 2)

    let difference = treatment.mean - control.mean
    let se = (vT + vC).squareRoot()
    absolute = .value(
      Effect(
        estimate: difference, standardError: se, lower: difference - critical * se,
        upper: difference + critical * se, pValue: distribution.twoSidedTail(difference / se),
        degreesOfFreedom: nu))

    if control.mean == 0 {
      relative = .notComputable("the control mean is 0, so a relative lift is undefined")
      return
    }
    let baseline = abs(control.mean)
    let lift = difference / baseline
    let c2 = control.mean * control.mean
    let relativeVariance = vT / c2 + vC * treatment.mean * treatment.mean / (c2 * c2)
    let relativeSE = relativeVariance.squareRoot()
    guard relativeSE > 0, relativeSE.isFinite else {
      relative = .notComputable("the relative lift has zero variance")
      return
    }
    relative = .value(
      Effect(
        estimate: lift, standardError: relativeSE, lower: lift - critical * relativeSE,
        upper: lift + critical * relativeSE, pValue: distribution.twoSidedTail(lift / relativeSE),
        degreesOfFreedom: nu))
  }

  /// ν = (v_T + v_C)² / (v_T²/(n_T − 1) + v_C²/(n_C − 1)), the Welch–Satterthwaite degrees of
  /// freedom from the variances of the two means.
  public static func welchDegreesOfFreedom(vT: Double, nT: Int, vC: Double, nC: Int) -> Double {
    let numerator = (vT + vC) * (vT + vC)
    let denominator = vT * vT / Double(nT - 1) + vC * vC / Double(nC - 1)
    return numerator / denominator
  }

  private static func degenerateReason(control: ArmStatistic, treatment: ArmStatistic) -> String? {
    if control.count < 2 || treatment.count < 2 {
      let arm = control.count < 2 ? "the control arm" : "the treatment arm"
      let count = control.count < 2 ? control.count : treatment.count
      return "\(arm) has \(count) user\(count == 1 ? "" : "s"); at least 2 per arm are needed"
    }
    if control.varianceOfMean + treatment.varianceOfMean <= 0 {
      return "every user in both arms has the same value (zero variance)"
    }
    let values = [control.mean, treatment.mean, control.variance, treatment.variance]
    if values.contains(where: { !$0.isFinite }) {
      return "a mean or variance is not finite"
    }
    return nil
  }
}
