import Measurement
import Statistics

/// Everything a report shows, computed once from a `Measurement`; the Markdown and JSON
/// renderers only format it, so the formats can never disagree.
public struct ExperimentReport: Sendable {
  /// One arm's size and reach.
  public struct ArmRow: Sendable {
    public let name: String
    public let isControl: Bool
    public let weight: Double
    public let users: Int
    /// Users reached at or after entry, when exposure is measured.
    public let exposed: Int?
  }

  /// One arm's value of one metric.
  public struct ArmMetric: Sendable {
    public let arm: String
    public let moments: Moments
    /// Analysed users whose window was still open at `as_of`.
    public let openWindows: Int
  }

  /// A metric's results.
  public struct MetricResult: Sendable {
    public let definition: MetricDefinition
    public let arms: [ArmMetric]
    public let comparisons: [Comparison]
  }

  /// The results of one segment value.
  public struct SegmentRow: Sendable {
    public let column: String
    public let value: String
    public let users: [Int]
    /// Per metric (experiment order), the comparisons of each treatment arm.
    public let comparisons: [[Comparison]]
  }

  /// The experiment.
  public let experiment: ExperimentDefinition
  /// The analysis cutoff.
  public let asOf: Int64
  /// The significance level.
  public let alpha: Double
  /// Arms in experiment order.
  public let arms: [ArmRow]
  /// The SRM check over analysed users.
  public let srm: SampleRatioTest
  /// Metric results in experiment order.
  public let metrics: [MetricResult]
  /// Segment rows, by column then value.
  public let segments: [SegmentRow]
  /// The measurement the report was built from (exposure, reconciliation, split, findings).
  public let measurement: Measurement

  /// Computes the report from a measurement.
  public init(measurement: Measurement) {
    self.measurement = measurement
    let experiment = measurement.experiment
    self.experiment = experiment
    asOf = measurement.asOf
    alpha = experiment.analysis.alpha
    let control = experiment.controlIndex
    arms = experiment.arms.enumerated().map { index, arm in
      ArmRow(
        name: arm.name, isControl: arm.isControl, weight: arm.weight,
        users: measurement.users[index],
        exposed: measurement.exposure.isMeasured ? measurement.exposure.exposed[index] : nil)
    }
    srm = SampleRatioTest(
      observed: measurement.users, weights: experiment.arms.map(\.weight),
      threshold: experiment.analysis.srmThreshold)
    let alpha = self.alpha
    metrics = measurement.metrics.map { metric in
      let armMetrics = experiment.arms.indices.map { index in
        ArmMetric(
          arm: experiment.arms[index].name, moments: metric.arms[index],
          openWindows: metric.openWindows[index])
      }
      return MetricResult(
        definition: metric.definition, arms: armMetrics,
        comparisons: Comparison.all(
          metric.definition, arms: metric.arms, experiment: experiment, control: control,
          alpha: alpha))
    }
    var rows: [SegmentRow] = []
    for segment in measurement.segments {
      for value in segment.values {
        let comparisons = measurement.metrics.indices.map { m in
          Comparison.all(
            measurement.metrics[m].definition, arms: value.metrics[m], experiment: experiment,
            control: control, alpha: alpha)
        }
        rows.append(
          SegmentRow(
            column: segment.column, value: value.value, users: value.users,
            comparisons: comparisons))
      }
    }
    segments = rows
  }

  /// The confidence level as a percentage label, e.g. "95%".
  public var confidenceLabel: String {
    let level = (1 - alpha) * 100
    return (level == level.rounded() ? String(Int(level)) : NumberFormat.fixed(level, 1)) + "%"
  }
}
