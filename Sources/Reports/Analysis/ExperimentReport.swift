import Experiment
import MeasurementModel
import Statistics
import TextOutput

/// Everything a report shows, computed once from a `Measurement`; the Markdown, JSON and HTML
/// renderers only format it (the summary's words through `Verdict`), so the formats can never
/// disagree.
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
    /// The cap applied to per-user values, in units (fixed or the pooled percentile).
    public let appliedCap: Double?
    public internal(set) var comparisons: [Comparison]
  }

  /// The results of one segment value.
  public struct SegmentRow: Sendable {
    public let column: String
    public let value: String
    public let users: [Int]
    /// Per metric (experiment order), the comparisons of each treatment arm.
    public internal(set) var comparisons: [[Comparison]]
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
  /// Return curves and tests, when the experiment has return events.
  public let survival: SurvivalSummary?
  /// The weekly history, when asked for (`holdout report --weekly`).
  public var history: WeeklyHistory? = nil
  /// The inputs grouped as the Data section and the per-source checks show them
  /// (`InputGroup.groups`), computed once: a folder of thousands of files is summed here, not
  /// by every renderer.
  package let inputGroups: [InputGroup]

  /// Computes the report from a measurement, on up to `threads` threads (the survival curves and
  /// tests; the same report for any number).
  public init(measurement: Measurement, threads: Int = 1) {
    self.measurement = measurement
    inputGroups = InputGroup.groups(measurement)
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
    let exposureMeasured = measurement.exposure.isMeasured
    var metrics = measurement.metrics.map { metric in
      let armMetrics = experiment.arms.indices.map { index in
        ArmMetric(
          arm: experiment.arms[index].name, moments: metric.arms[index],
          openWindows: metric.openWindows[index])
      }
      return MetricResult(
        definition: metric.definition, arms: armMetrics, appliedCap: metric.appliedCap,
        comparisons: Comparison.all(
          metric, definition: metric.definition, arms: metric.arms, experiment: experiment,
          control: control, exposureMeasured: exposureMeasured))
    }
    if let method = experiment.analysis.correction {
      Self.adjust(
        &metrics, where: { $0.definition.role == .primary }, method: method,
        family: "primary metrics × comparisons")
    }
    self.metrics = metrics
    var rows: [SegmentRow] = []
    for segment in measurement.segments {
      for value in segment.values {
        let comparisons = measurement.metrics.indices.map { m in
          Comparison.all(
            nil, definition: measurement.metrics[m].definition, arms: value.metrics[m],
            experiment: experiment, control: control, exposureMeasured: false)
        }
        rows.append(
          SegmentRow(
            column: segment.column, value: value.value, users: value.users,
            comparisons: comparisons))
      }
    }
    if let method = experiment.analysis.segmentCorrection {
      Self.adjustSegments(&rows, metricCount: measurement.metrics.count, method: method)
    }
    segments = rows
    survival = measurement.survival.map {
      SurvivalSummary(
        $0, arms: experiment.arms.map(\.name), control: control, alpha: experiment.analysis.alpha, threads: threads)
    }
  }

  /// Adjusts the p-values of every comparison of the metrics selected by `isMember`, as one
  /// family, in metric then arm order (the order does not change the adjusted values).
  static func adjust(
    _ metrics: inout [MetricResult], where isMember: (MetricResult) -> Bool,
    method: MultipleTesting, family: String
  ) {
    var positions: [(Int, Int)] = []
    var pValues: [Double] = []
    for m in metrics.indices where isMember(metrics[m]) {
      for c in metrics[m].comparisons.indices {
        guard let p = metrics[m].comparisons[c].absolute.value?.pValue else { continue }
        positions.append((m, c))
        pValues.append(p)
      }
    }
    let adjusted = method.adjust(pValues)
    let name = "\(family), \(pValues.count) tests (\(method.label))"
    for (k, (m, c)) in positions.enumerated() {
      metrics[m].comparisons[c].adjustedPValue = adjusted[k]
      metrics[m].comparisons[c].family = name
    }
  }

  /// Per metric: one family of every segment value × comparison.
  static func adjustSegments(_ rows: inout [SegmentRow], metricCount: Int, method: MultipleTesting) {
    for m in 0..<metricCount {
      var positions: [(Int, Int)] = []
      var pValues: [Double] = []
      for r in rows.indices {
        for c in rows[r].comparisons[m].indices {
          guard let p = rows[r].comparisons[m][c].absolute.value?.pValue else { continue }
          positions.append((r, c))
          pValues.append(p)
        }
      }
      let adjusted = method.adjust(pValues)
      let name = "segments × comparisons, \(pValues.count) tests (\(method.label))"
      for (k, (r, c)) in positions.enumerated() {
        rows[r].comparisons[m][c].adjustedPValue = adjusted[k]
        rows[r].comparisons[m][c].family = name
      }
    }
  }

  /// The confidence level as a percentage label, e.g. "95%".
  public var confidenceLabel: String { Self.confidenceLabel(alpha: alpha) }

  /// "95%" for alpha 0.05.
  static func confidenceLabel(alpha: Double) -> String {
    let level = (1 - alpha) * 100
    return (level == level.rounded() ? String(Int(level)) : NumberFormat.fixed(level, 1)) + "%"
  }
}
