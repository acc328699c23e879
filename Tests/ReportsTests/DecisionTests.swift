import Experiment
@testable import Reports
import Statistics
import TestSupport
import Testing

/// One decision per comparison (`Decision`): the reading, the intervals every sentence prints and
/// the intervals every chart draws always agree, inside and outside a multiple-testing family.
@Suite struct DecisionTests {
  /// A 0/1 metric's sums: `n` users of whom `k` converted.
  static func rate(_ n: Int, _ k: Int) -> Moments {
    Moments(count: n, sum: Double(k), sumOfSquares: Double(k))
  }

  static func fixedHorizon() -> ExperimentDefinition.Analysis {
    var analysis = ExperimentDefinition.Analysis()
    analysis.sequential = false
    return analysis
  }

  /// The defect a user met: holdout 200 users / 20 conversions, journey 2,000 / 300, fixed
  /// horizon. The absolute difference is significant (p ≈ 0.03) while the relative lift's interval
  /// includes 0; the report used to print that relative interval beside "The journey caused".
  /// Now the sentence's interval is the decision's (it excludes 0) and it says the relative
  /// interval still includes 0.
  @Test func aConclusiveDifferenceWithAWideRelativeIntervalSaysSo() throws {
    let c = Comparison(
      arm: "journey", against: "holdout", treatment: Self.rate(2_000, 300), control: Self.rate(200, 20),
      kind: .conversion, analysis: Self.fixedHorizon())
    let decision = c.decision
    let absolute = try #require(decision.absolute)
    #expect(absolute.pValue < 0.05)
    #expect(absolute.lower > 0)
    #expect(decision.reading == .higher)
    let relative = try #require(decision.relative)
    #expect(relative.lower < 0, "the case needs a relative interval that includes 0: \(relative)")
    #expect(decision.relativeStillIncludesZero)
    // The chart's interval is the decision's, on the relative scale: it excludes 0 too.
    #expect(try #require(decision.relativeScale).lower > 0)
    let incremental = try #require(decision.incremental)
    #expect(incremental.lower > 0)
    let metric = ExperimentReport.MetricResult(
      definition: MetricDefinition(name: "orders", kind: .conversion, events: ["order"], windowDays: 7), arms: [],
      appliedCap: nil, comparisons: [c])
    let sentence = Verdict.primary(metric, c, level: "95%").parts.map(\.text).joined()
    #expect(sentence.contains("The journey caused +100 conversions among 2,000 users (95% CI +"), "\(sentence)")
    #expect(sentence.contains("The relative lift's own interval still includes no effect"), "\(sentence)")
  }

  /// Inside a family the intervals are at α·p/p̃: a comparison whose own interval excludes 0
  /// but whose adjusted p-value is above α prints an interval that includes 0 ("not yet
  /// conclusive: the interval includes no effect (+1 to +57)" used to print the unadjusted one).
  @Test func anAdjustedDecisionPrintsTheAdjustedInterval() throws {
    var c = Comparison(
      arm: "sms", against: "holdout", treatment: Self.rate(5_000, 580), control: Self.rate(5_000, 500),
      kind: .conversion, analysis: Self.fixedHorizon())
    let raw = try #require(c.absolute.value)
    #expect(raw.lower > 0 && raw.pValue < 0.05, "the case needs a significant raw interval: \(raw)")
    c.adjustedPValue = min(1, raw.pValue * 6)
    c.family = "primary metrics × comparisons, 6 tests (Holm)"
    let decision = c.decision
    #expect(decision.reading == .inconclusive)
    let absolute = try #require(decision.absolute)
    #expect(absolute.lower < 0 && absolute.upper > 0)
    #expect(abs(decision.alpha - 0.05 / 6) < 1e-12)
    #expect(decision.label(level: "95%") == "95% CI, Holm-adjusted")
  }

  /// Over random comparisons and families: the reading is conclusive exactly when the decision's
  /// absolute interval excludes 0, which inside a family is exactly when the adjusted p-value is
  /// at most α; the incremental and relative-scale intervals then exclude 0 on the same side.
  @Test func readingIntervalsAndAdjustedPValuesAlwaysAgree() throws {
    var rng = SplitMix(seed: 29)
    var conclusive = 0
    for trial in 0..<600 {
      let nC = 50 + rng.index(3_000), nT = 50 + rng.index(3_000)
      let pC = 0.02 + rng.uniform() * 0.3
      let pT = pC * (0.6 + rng.uniform() * 1.2)
      var analysis = ExperimentDefinition.Analysis()
      analysis.sequential = trial % 2 == 0
      var c = Comparison(
        arm: "t", against: "c", treatment: Self.rate(nT, Int((pT * Double(nT)).rounded())),
        control: Self.rate(nC, Int((pC * Double(nC)).rounded())), kind: .conversion, analysis: analysis)
      guard let raw = c.absolute.value else { continue }
      let inFamily = trial % 3 != 0
      if inFamily {
        c.adjustedPValue = min(1, raw.pValue * Double(1 + rng.index(8)))
        c.family = "primary metrics × comparisons, 8 tests (Holm)"
      }
      let d = c.decision
      let absolute = try #require(d.absolute)
      let excludes = absolute.lower > 0 || absolute.upper < 0
      #expect((d.reading == .higher || d.reading == .lower) == excludes, "trial \(trial)")
      if inFamily, let adjusted = c.adjustedPValue, abs(adjusted - c.alpha) > 1e-9 {
        #expect(excludes == (adjusted <= c.alpha), "trial \(trial): sequential \(analysis.sequential) p \(raw.pValue) p̃ \(adjusted), α′ \(d.alpha), interval \(absolute.lower) \(absolute.upper)")
      }
      if excludes {
        conclusive += 1
        let sign = absolute.lower > 0
        #expect((try #require(d.incremental).lower > 0) == sign)
        if let scaled = d.relativeScale { #expect((scaled.lower > 0) == sign && (scaled.upper < 0) == !sign) }
      }
    }
    // Both kinds of reading occurred, so the agreement was tested both ways.
    #expect(conclusive > 50 && conclusive < 550, "\(conclusive) conclusive of 600")
  }
}
