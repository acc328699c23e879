import Experiment
import Foundation
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import TestSupport
import Testing
import TextOutput

/// The Bayesian view reads a guardrail in its good direction: where an increase is harmful,
/// "chance to beat" is the chance the metric went down, and the two expected losses swap.
@Suite struct GuardrailDirectionTests {
  @Test func harmfulIncreaseGuardrailsAreReadDownward() throws {
    let definition = try ExperimentFileDecoder.load(
      path: TestPaths.repository("fixtures/winback/experiment.json"), for: .report)
    let report = ExperimentReport(measurement: try Measurer(experiment: definition, asOf: definition.asOf!).measure())
    let markdown = MarkdownReportRenderer.render(report)
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(JSONReportRenderer.render(report).utf8)) as? [String: Any])
    let metrics = try #require(json["metrics"] as? [[String: Any]])
    var guardrailComparisons = 0
    for (metric, result) in zip(metrics, report.metrics) {
      let lowerIsBetter = result.definition.harmful == .increase
      for (c, comparison) in zip(try #require(metric["comparisons"] as? [[String: Any]]), result.comparisons) {
        guard case .value(let b) = comparison.bayesian else { continue }
        let bayesian = try #require(c["bayesian"] as? [String: Any])
        let chance = try #require(bayesian["chance_of_improvement"] as? Double)
        #expect(abs(chance - (lowerIsBetter ? 1 - b.chanceToBeatControl : b.chanceToBeatControl)) < 1e-12)
        let shipped = lowerIsBetter ? b.riskOfChoosingControl : b.riskOfChoosingTreatment
        // A guardrail states its chance of harm (1 − the chance of improvement), not a "chance to
        // beat (lower is better)" that read as the opposite of "harm detected".
        let line = lowerIsBetter
          ? "chance of harm (`\(comparison.arm)` worse than `\(comparison.control)`): " + NumberFormat.percent(1 - chance, 1)
          : "chance to beat `\(comparison.control)`: " + NumberFormat.percent(chance, 1)
        #expect(markdown.contains(line), "\(line)")
        #expect(markdown.contains("\(line);") && markdown.contains("if shipped \(NumberFormat.percent(shipped, 2))"))
        if lowerIsBetter { guardrailComparisons += 1 }
      }
    }
    // The fixture's unsubscribe guardrail (harmful: increase) has three comparisons.
    #expect(guardrailComparisons == 3)
  }

  /// With an arm-versus-arm comparison, one arm appears in two comparisons: the guardrail
  /// summary and the segment tables name the comparator on every row (Markdown and HTML).
  @Test func rowsNameTheirComparator() throws {
    let definition = try ExperimentFileDecoder.load(
      path: TestPaths.repository("fixtures/winback/experiment.json"), for: .report)
    let report = ExperimentReport(measurement: try Measurer(experiment: definition, asOf: definition.asOf!).measure())
    let markdown = MarkdownReportRenderer.render(report)
    let html = HTMLReportRenderer.render(report)
    for pair in [("sms", "holdout"), ("sms_email", "holdout"), ("sms_email", "sms")] {
      #expect(markdown.contains("- Guardrail `unsubscribed_14d`, `\(pair.0)` vs `\(pair.1)`: "))
      #expect(markdown.contains("| `segment` = `lapsed_60` | `\(pair.0)` vs `\(pair.1)` |"))
      #expect(html.contains("\(pair.0) vs \(pair.1): "))
    }
    #expect(!markdown.contains("- Guardrail `unsubscribed_14d`, `sms_email`: "))
  }
}
