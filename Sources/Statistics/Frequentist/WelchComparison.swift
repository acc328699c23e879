/// Treatment-versus-control comparison of one metric: Welch's unequal-variance t with
/// Welch–Satterthwaite degrees of freedom and the relative lift by the delta method, optionally
/// CUPED-adjusted and with always-valid intervals, following GrowthBook's frequentist engine
/// (`gbstats` `TwoSidedTTest`, `SequentialTwoSidedTTest`, `RegressionAdjustedStatistic`).
///
/// With θ the CUPED coefficient (0 = no adjustment), per-arm adjusted means
/// m_a = ȳ_a − θx̄_a and per-user variances s²_a = s²_{y,a} + θ²s²_{x,a} − 2θs_{xy,a}, and
/// v_a = s²_a/n_a:
/// - absolute Δ = m_T − m_C, SE = √(v_T + v_C),
///   ν = (v_T + v_C)² / (v_T²/(n_T − 1) + v_C²/(n_C − 1)) (Welch 1947; Satterthwaite 1946);
/// - relative L = Δ/|ȳ_C| (the unadjusted control mean), with the delta-method standard error of
///   `RelativeLift`, and the same ν;
/// - fixed horizon: CI = est ± t_{1−α/2,ν}·SE, p = P(|T_ν| > |est/SE|);
/// - always valid (`sequentialTuning` N* given): CI = est ± h_N and the always-valid p of
///   `ConfidenceSequence`, N = n_T + n_C.
///
/// `fixedAbsolute`/`fixedRelative` always hold the fixed-horizon results, so a report can show
/// what the always-valid interval costs. Edge cases are explicit, as in gbstats: an arm with
/// fewer than 2 users, an arm with zero variance (everyone converted, nobody did, or one
/// constant value), or a zero control mean (relative lift only) give `.notComputable` with the
/// reason, never NaN.
public struct WelchComparison: Sendable, Equatable {
  /// The absolute difference treatment − control, interval per the chosen mode.
  public let absolute: Computed<Effect>
  /// The relative lift (treatment − control)/|control|, interval per the chosen mode.
  public let relative: Computed<Effect>
  /// The absolute difference with its fixed-horizon interval.
  public let fixedAbsolute: Computed<Effect>
  /// The relative lift with its fixed-horizon interval.
  public let fixedRelative: Computed<Effect>
  /// The CUPED coefficient used (0 = unadjusted).
  public let theta: Double

  /// Compares `treatment` against `control` at two-sided level `alpha`, adjusting with `theta`
  /// and using always-valid intervals when `sequentialTuning` (N*) is given.
  public init(
    control: ArmStatistic, treatment: ArmStatistic, alpha: Double = 0.05, theta: Double = 0,
    sequentialTuning: Double? = nil
  ) {
    self.theta = theta
    let vT = treatment.adjustedVariance(theta: theta) / Double(max(treatment.count, 1))
    let vC = control.adjustedVariance(theta: theta) / Double(max(control.count, 1))
    if let reason = Self.degenerateReason(control: control, treatment: treatment, vT: vT, vC: vC) {
      (absolute, relative, fixedAbsolute, fixedRelative) = (
        .notComputable(reason), .notComputable(reason), .notComputable(reason), .notComputable(reason)
      )
      return
    }
    let nu = Self.welchDegreesOfFreedom(vT: vT, nT: treatment.count, vC: vC, nC: control.count)
    let interval = Interval(
      distribution: StudentT(degreesOfFreedom: nu), alpha: alpha, degreesOfFreedom: nu,
      totalUsers: treatment.count + control.count, tuning: sequentialTuning)

    let difference = treatment.adjustedMean(theta: theta) - control.adjustedMean(theta: theta)
    let se = (vT + vC).squareRoot()
    fixedAbsolute = .value(interval.fixed(difference, se))
    absolute = .value(interval.chosen(difference, se))

    switch RelativeLift.estimate(
      difference: difference, control: control, treatment: treatment, theta: theta, treatmentVariance: vT)
    {
    case .failure(let undefined):
      (relative, fixedRelative) = (.notComputable(undefined.reason), .notComputable(undefined.reason))
    case .success(let (lift, relativeSE)):
      fixedRelative = .value(interval.fixed(lift, relativeSE))
      relative = .value(interval.chosen(lift, relativeSE))
    }
  }

  /// ν = (v_T + v_C)² / (v_T²/(n_T − 1) + v_C²/(n_C − 1)), the Welch–Satterthwaite degrees of
  /// freedom from the variances of the two means.
  public static func welchDegreesOfFreedom(vT: Double, nT: Int, vC: Double, nC: Int) -> Double {
    let numerator = (vT + vC) * (vT + vC)
    let denominator = vT * vT / Double(nT - 1) + vC * vC / Double(nC - 1)
    return numerator / denominator
  }

  /// Builds fixed-horizon and always-valid effects for one estimate.
  private struct Interval {
    let distribution: StudentT
    let alpha: Double
    let degreesOfFreedom: Double
    let totalUsers: Int
    let tuning: Double?

    func fixed(_ estimate: Double, _ se: Double) -> Effect {
      let critical = distribution.quantile(1 - alpha / 2)
      return Effect(
        estimate: estimate, standardError: se, lower: estimate - critical * se,
        upper: estimate + critical * se, pValue: distribution.twoSidedTail(estimate / se),
        degreesOfFreedom: degreesOfFreedom)
    }

    func chosen(_ estimate: Double, _ se: Double) -> Effect {
      guard let tuning else { return fixed(estimate, se) }
      return ConfidenceSequence.interval(
        estimate: estimate, standardError: se, totalUsers: totalUsers, alpha: alpha, tuning: tuning,
        degreesOfFreedom: degreesOfFreedom)
    }
  }

  private static func degenerateReason(
    control: ArmStatistic, treatment: ArmStatistic, vT: Double, vC: Double
  ) -> String? {
    if control.count < 2 || treatment.count < 2 {
      let arm = control.count < 2 ? "the control arm" : "the treatment arm"
      let count = control.count < 2 ? control.count : treatment.count
      return "\(arm) has \(count) user\(count == 1 ? "" : "s"); at least 2 per arm are needed"
    }
    let values = [control.mean, treatment.mean, vT, vC, control.preMean, treatment.preMean]
    if values.contains(where: { !$0.isFinite }) {
      return "a mean or variance is not finite"
    }
    if vT <= 0 && vC <= 0 {
      return "every user in both arms has the same value (zero variance)"
    }
    if vC <= 0 || vT <= 0 {
      let arm = vC <= 0 ? "control" : "treatment"
      let value = vC <= 0 ? control.mean : treatment.mean
      return "every user in the \(arm) arm has the same value (\(value == 0 ? "0" : value == 1 ? "1" : "a constant")), so its variance is 0 and the comparison has no valid interval"
    }
    return nil
  }
}
