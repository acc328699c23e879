import Experiment
import MeasurementModel
import Statistics

/// One treatment arm against the control on one metric: the effects (CUPED-adjusted when there
/// is pre-period data, with the interval mode the analysis chose), the incremental total, the
/// Bayesian view, the effect per exposed user, costs, the minimum detectable effect, and a
/// plain-words reading.
public struct Comparison: Sendable {
  /// How the result reads.
  public enum Reading: String, Sendable {
    /// Significant (after the family's correction, if any) and the metric went up.
    case higher
    /// Significant and the metric went down.
    case lower
    /// Not significant: the interval includes 0.
    case inconclusive
    /// The effect could not be computed.
    case notComputable = "not_computable"
  }

  /// The CUPED adjustment applied.
  public struct Adjustment: Sendable {
    /// θ, pooled over the two arms.
    public let theta: Double
    /// 1 − Var(adjusted)/Var(unadjusted) of the absolute effect.
    public let varianceReduction: Double
    /// The unadjusted comparison, for reference.
    public let unadjusted: WelchComparison
  }

  /// The treatment arm's name.
  public let arm: String
  /// The control arm's name.
  public let control: String
  /// Treatment users (the population the incremental total refers to).
  public let treatmentUsers: Int
  /// The significance level.
  public let alpha: Double
  /// N* of the always-valid intervals, nil at a fixed horizon.
  public let sequentialTuning: Double?
  /// Users of both arms (the confidence sequence's N).
  public let totalUsers: Int
  /// The plain difference of the arms' means, when both have users: shown where no interval is
  /// computable (a segment whose control had no events is where harm is clearest).
  public let meanDifference: Double?
  /// The holdout's (control's) unadjusted mean: the relative lift's denominator.
  public let controlMean: Double
  /// Absolute difference treatment − control, per user (headline: adjusted, chosen interval).
  public let absolute: Computed<Effect>
  /// Relative lift (treatment − control)/|control|.
  public let relative: Computed<Effect>
  /// The headline comparison, including its fixed-horizon intervals.
  public let welch: WelchComparison
  /// The CUPED adjustment, when one was applied.
  public let adjustment: Adjustment?
  /// Incremental total = absolute difference × treatment users (conversions, events or revenue
  /// the journey caused among the treatment arm), with its interval.
  public let incremental: Computed<Effect>
  /// The Bayesian view of the relative lift (normal approximation, fixed-horizon SE).
  public let bayesian: Computed<BayesianSummary>
  /// The effect on the users the journey reached (ITT / exposure rate), when exposure is measured.
  public let exposure: ComplierEffect?
  /// Cost per incremental unit and return on spend, when message costs are configured.
  public let economics: Economics?
  /// The relative effect detectable with the configured power at these arm sizes and variances.
  public let minimumDetectableEffect: Computed<Double>
  /// The p-value adjusted for the comparison's family (set by the report), or nil outside one.
  public internal(set) var adjustedPValue: Double?
  /// The family's name, e.g. "primary metrics × comparisons (Holm)".
  public internal(set) var family: String?

  /// Compares arm `arm` (its sums `treatment`) with arm `against` (its sums `control`) on a
  /// metric of `kind` under `analysis`.
  public init(
    arm: String, against controlName: String, treatment: Moments, control controlMoments: Moments,
    kind: MetricDefinition.Kind, analysis: ExperimentDefinition.Analysis,
    exposedTreatment: Moments? = nil, spend: Double? = nil
  ) {
    self.arm = arm
    self.control = controlName
    treatmentUsers = treatment.count
    alpha = analysis.alpha
    let family: ArmStatistic.Family = kind.isBinary ? .proportion : .mean
    let c = ArmStatistic(controlMoments, family: family)
    let t = ArmStatistic(treatment, family: family)
    let tuning = analysis.sequential ? analysis.sequentialTuning : nil
    sequentialTuning = tuning
    totalUsers = treatment.count + controlMoments.count
    meanDifference = treatment.count > 0 && controlMoments.count > 0 ? treatment.mean - controlMoments.mean : nil
    controlMean = controlMoments.count > 0 ? controlMoments.mean : 0
    let unadjusted = WelchComparison(control: c, treatment: t, alpha: alpha, sequentialTuning: tuning)
    var headline = unadjusted
    var adjustment: Adjustment? = nil
    if analysis.cuped, let theta = ArmStatistic.pooledTheta(controlMoments, treatment, family: family) {
      let adjusted = WelchComparison(
        control: c, treatment: t, alpha: alpha, theta: theta, sequentialTuning: tuning)
      if let a = adjusted.absolute.value, let u = unadjusted.absolute.value, u.standardError > 0 {
        headline = adjusted
        let ratio = (a.standardError * a.standardError) / (u.standardError * u.standardError)
        adjustment = Adjustment(theta: theta, varianceReduction: 1 - ratio, unadjusted: unadjusted)
      }
    }
    welch = headline
    self.adjustment = adjustment
    absolute = headline.absolute
    relative = headline.relative
    let incremental = headline.absolute.map { $0.scaled(by: Double(treatment.count)) }
    self.incremental = incremental
    bayesian = headline.fixedRelative.flatMap { effect in
      .value(
        BayesianSummary(
          estimate: effect.estimate, standardError: effect.standardError, alpha: analysis.alpha,
          prior: analysis.prior))
    }
    exposure = exposedTreatment.map { exposed in
      ComplierEffect(
        treatmentUsers: treatment.count, treatmentSum: treatment.sum,
        treatmentSumOfSquares: treatment.sumOfSquares, treatmentExposed: exposed.count,
        treatmentExposedSum: exposed.sum, controlUsers: controlMoments.count,
        controlSum: controlMoments.sum, controlSumOfSquares: controlMoments.sumOfSquares,
        alpha: analysis.alpha, sequentialTuning: tuning)
    }
    economics = spend.flatMap { spend in
      spend > 0 ? Economics(kind: kind, spend: spend, incremental: incremental) : nil
    }
    minimumDetectableEffect = Self.minimumDetectableEffect(
      headline.fixedAbsolute, control: c, totalUsers: treatment.count + controlMoments.count,
      analysis: analysis)
  }

  /// The reading, decided once (`Decision`): conclusive when the absolute difference's interval,
  /// at the family-adjusted level, excludes 0.
  public var reading: Reading { decision.reading }

  /// Relative MDE = (c + z_power)·SE/|ȳ_C|, with c = t_{1−α/2,ν} for fixed-horizon intervals or
  /// h_N/SE for always-valid ones (the interval's own half-width in SE units).
  static func minimumDetectableEffect(
    _ fixed: Computed<Effect>, control: ArmStatistic, totalUsers: Int,
    analysis: ExperimentDefinition.Analysis
  ) -> Computed<Double> {
    guard let effect = fixed.value else { return .notComputable(fixed.reason ?? "") }
    guard control.mean != 0 else {
      return .notComputable("the control mean is 0, so a relative effect is undefined")
    }
    let se = effect.standardError
    let critical: Double
    if analysis.sequential {
      critical = ConfidenceSequence.halfWidth(
        standardError: se, totalUsers: totalUsers, alpha: analysis.alpha,
        tuning: analysis.sequentialTuning) / se
    } else {
      critical = StudentT(degreesOfFreedom: effect.degreesOfFreedom).quantile(1 - analysis.alpha / 2)
    }
    let zPower = Normal.quantile(analysis.power)
    return .value((critical + zPower) * se / abs(control.mean))
  }

  /// Every treatment arm of `experiment` against its control, in arm order, then the requested
  /// arm-versus-arm comparisons (randomized too: both arms are random samples of the audience;
  /// no effect per reached user or cost there, since both arms were messaged).
  static func all(
    _ metric: Measurement.Metric?, definition: MetricDefinition, arms: [Moments],
    experiment: ExperimentDefinition, control: Int, exposureMeasured: Bool
  ) -> [Comparison] {
    let names = experiment.arms.map(\.name)
    let pairs = experiment.analysis.armComparisons.compactMap { pair -> Comparison? in
      guard let a = names.firstIndex(of: pair.arm), let b = names.firstIndex(of: pair.against) else {
        return nil
      }
      return Comparison(
        arm: pair.arm, against: pair.against, treatment: arms[a], control: arms[b],
        kind: definition.kind, analysis: experiment.analysis)
    }
    return versusControl(
      metric, definition: definition, arms: arms, experiment: experiment, control: control,
      exposureMeasured: exposureMeasured) + pairs
  }

  private static func versusControl(
    _ metric: Measurement.Metric?, definition: MetricDefinition, arms: [Moments],
    experiment: ExperimentDefinition, control: Int, exposureMeasured: Bool
  ) -> [Comparison] {
    experiment.arms.indices.filter { $0 != control }.map { index in
      Comparison(
        arm: experiment.arms[index].name, against: experiment.arms[control].name,
        treatment: arms[index], control: arms[control], kind: definition.kind,
        analysis: experiment.analysis,
        exposedTreatment: exposureMeasured ? metric?.exposedArms[index] : nil,
        spend: experiment.costs.isEmpty ? nil : metric?.spend[index])
    }
  }

  /// True when the reading is bad news for a guardrail harmed in `direction`.
  public func isHarmful(_ direction: MetricDefinition.HarmfulDirection?) -> Bool {
    switch direction {
    case .increase: return reading == .higher
    case .decrease: return reading == .lower
    case nil: return false
    }
  }
}
