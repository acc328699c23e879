import Experiment
import MeasurementModel
import Statistics
import TextOutput

/// Comparisons computed from per-arm sufficient statistics, the form a warehouse query returns
/// (`holdout stats`): the same statistics and the same JSON shape as `report.json`'s `metrics`.
public struct ArmSumsReport: Sendable {
  /// One metric's input: its name, kind label (`conversion` or `mean`) and per-arm statistics.
  public struct Input: Sendable {
    public let name: String
    public let isBinary: Bool
    public let arms: [(name: String, moments: Moments)]

    /// Creates an input.
    public init(name: String, isBinary: Bool, arms: [(name: String, moments: Moments)]) {
      self.name = name
      self.isBinary = isBinary
      self.arms = arms
    }
  }

  /// The analysis settings used.
  public let analysis: ExperimentDefinition.Analysis
  /// Per metric: its results (every other arm against the control).
  public let metrics: [ExperimentReport.MetricResult]

  /// Compares every arm of each input against the arm named `control` (present in each).
  public init(_ inputs: [Input], control: String, analysis: ExperimentDefinition.Analysis) {
    self.analysis = analysis
    var metrics = inputs.map { input in
      let definition = MetricDefinition(
        name: input.name, kind: input.isBinary ? .conversion : .revenue, events: [], windowDays: 0)
      let controlIndex = input.arms.firstIndex { $0.name == control } ?? 0
      let comparisons = input.arms.indices.filter { $0 != controlIndex }.map { index in
        Comparison(
          arm: input.arms[index].name, against: control, treatment: input.arms[index].moments,
          control: input.arms[controlIndex].moments, kind: definition.kind, analysis: analysis)
      }
      return ExperimentReport.MetricResult(
        definition: definition,
        arms: input.arms.map { ExperimentReport.ArmMetric(arm: $0.name, moments: $0.moments, openWindows: 0) },
        appliedCap: nil, comparisons: comparisons)
    }
    if let method = analysis.correction {
      ExperimentReport.adjust(&metrics, where: { _ in true }, method: method, family: "metrics × arms")
    }
    self.metrics = metrics
  }

  /// `{"analysis": …, "metrics": [...]}` with each metric as in report.json.
  public func json() -> String {
    JSONValue.object([
      ("analysis", JSONReportRenderer.analysis(analysis)),
      ("metrics", .array(metrics.map {
        JSONReportRenderer.metric($0, kindLabel: $0.definition.kind.isBinary ? "conversion" : "mean")
      })),
    ]).serialized()
  }

  /// A Markdown rendering: one comparison table and details per metric.
  public func markdown() -> String {
    let level = ExperimentReport.confidenceLabel(alpha: analysis.alpha)
    var out = "# Holdout statistics from aggregates\n\n"
    out += analysis.sequential
      ? "Intervals: \(level) two-sided, always valid (N* = \(NumberFormat.grouped(analysis.sequentialTuning))).\n\n"
      : "Intervals: \(level) two-sided, Welch t (fixed horizon).\n\n"
    for metric in metrics {
      out += "## \(MarkdownText.code(metric.definition.name))\n\n"
      out += MarkdownReportRenderer.comparisonTable(
        metric.comparisons, kind: metric.definition.kind, harmful: nil, level: level)
      out += "\n"
      out += MarkdownReportRenderer.details(metric, analysis: analysis, level: level)
    }
    return out
  }
}
