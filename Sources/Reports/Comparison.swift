import Measurement
import Statistics

/// One treatment arm against the control on one metric: the absolute and relative effects, the
/// incremental total they imply, and a plain-words reading.
public struct Comparison: Sendable {
  /// How the result reads.
  public enum Reading: String, Sendable {
    /// The interval excludes 0 and the metric went up.
    case higher
    /// The interval excludes 0 and the metric went down.
    case lower
    /// The interval includes 0.
    case inconclusive
    /// The effect could not be computed.
    case notComputable = "not_computable"
  }

  /// The treatment arm's name.
  public let arm: String
  /// The control arm's name.
  public let control: String
  /// Treatment users (the population the incremental total refers to).
  public let treatmentUsers: Int
  /// Absolute difference treatment − control, per user.
  public let absolute: Computed<Effect>
  /// Relative lift (treatment − control)/|control|.
  public let relative: Computed<Effect>
  /// Incremental total = absolute difference × treatment users (conversions, events or revenue
  /// the journey caused among the treatment arm), with its interval.
  public let incremental: Computed<Effect>
  /// The reading of the absolute interval.
  public let reading: Reading

  /// Compares `treatment` with `control` on a metric of `kind`.
  public init(
    arm: String, control: String, treatment treatmentMoments: Moments, control controlMoments: Moments,
    kind: MetricDefinition.Kind, alpha: Double
  ) {
    self.arm = arm
    self.control = control
    treatmentUsers = treatmentMoments.count
    let family: ArmStatistic.Family = kind.isBinary ? .proportion : .mean
    let welch = WelchComparison(
      control: ArmStatistic(controlMoments, family: family),
      treatment: ArmStatistic(treatmentMoments, family: family), alpha: alpha)
    absolute = welch.absolute
    relative = welch.relative
    switch welch.absolute {
    case .value(let effect):
      incremental = .value(effect.scaled(by: Double(treatmentMoments.count)))
      if effect.lower > 0 {
        reading = .higher
      } else if effect.upper < 0 {
        reading = .lower
      } else {
        reading = .inconclusive
      }
    case .notComputable(let reason):
      incremental = .notComputable(reason)
      reading = .notComputable
    }
  }

  /// Every treatment arm of `experiment` against its control, in arm order.
  static func all(
    _ metric: MetricDefinition, arms: [Moments], experiment: ExperimentDefinition, control: Int,
    alpha: Double
  ) -> [Comparison] {
    experiment.arms.indices.filter { $0 != control }.map { index in
      Comparison(
        arm: experiment.arms[index].name, control: experiment.arms[control].name,
        treatment: arms[index], control: arms[control], kind: metric.kind, alpha: alpha)
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
