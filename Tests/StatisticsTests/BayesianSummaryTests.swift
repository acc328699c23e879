import Statistics
import TestSupport
import Testing

/// GrowthBook's Gaussian effect posterior. Reference values: gbstats 0.8.0
/// `EffectBayesianABTest` on R5's data (420/10,000 vs 4,050/90,000), and mpmath (60 digits) for
/// the tails — see Tests/StatisticsTests/Fixtures/reference_leaf_types.py. The data estimate and
/// SE are gbstats' own (`frequentist_diff`, `frequentist_variance`), passed in as literals.
@Suite struct BayesianSummaryTests {
  struct Expected {
    let mean, sd, chance, lower, upper, riskControl, riskTreatment: Double
  }

  static func check(_ s: BayesianSummary, _ e: Expected) {
    expectClose(s.posteriorMean, e.mean, relative: 1e-13, "posterior mean")
    expectClose(s.posteriorStandardDeviation, e.sd, relative: 1e-13, "posterior sd")
    expectClose(s.chanceToBeatControl, e.chance, relative: 1e-13, "chance to beat control")
    expectClose(s.credibleLower, e.lower, relative: 1e-12, "credible lower")
    expectClose(s.credibleUpper, e.upper, relative: 1e-12, "credible upper")
    expectClose(s.riskOfChoosingControl, e.riskControl, relative: 1e-12, "risk of control")
    expectClose(s.riskOfChoosingTreatment, e.riskTreatment, relative: 1e-12, "risk of treatment")
  }

  /// Flat (improper) prior, relative lift: the posterior is N(Δ̂, SE²).
  @Test func flatPriorRelative() {
    let s = BayesianSummary(
      estimate: 0.07142857142857133, standardError: 0.05375064504927802, alpha: 0.05, prior: nil)
    Self.check(
      s,
      Expected(
        mean: 0.07142857142857133, sd: 0.05375064504927802, chance: 0.9080574898876548,
        lower: -0.03392075701380977, upper: 0.1767778998709524, riskControl: 0.07372921890039508,
        riskTreatment: 0.002300647471823755))
  }

  /// GrowthBook's proper prior N(0, 0.3²) on the relative lift.
  @Test func properPriorRelative() {
    let s = BayesianSummary(
      estimate: 0.07142857142857133, standardError: 0.05375064504927802, alpha: 0.05,
      prior: .growthBookRelative)
    Self.check(
      s,
      Expected(
        mean: 0.06920692766751371, sd: 0.05290813868331225, chance: 0.9045732247960714,
        lower: -0.03449111864082875, upper: 0.17290497397585614, riskControl: 0.07157475011820977,
        riskTreatment: 0.002367822450696053))
  }

  /// Absolute effect with the relative prior rescaled as gbstats does: σ₀ = 0.3·|ȳ_C| = 0.0126.
  @Test func properPriorAbsolute() {
    let s = BayesianSummary(
      estimate: 0.0029999999999999957, standardError: 0.002121579600203584, alpha: 0.05,
      prior: NormalPrior(mean: 0, standardDeviation: 0.3 * 0.042))
    Self.check(
      s,
      Expected(
        mean: 0.002917290156687657, sd: 0.0020921292761416407, chance: 0.9184033859403561,
        lower: -0.0011832078755518128, upper: 0.007017788188927126, riskControl: 0.00299495366741248,
        riskTreatment: 7.766351072482282e-05))
  }

  /// Tails for a N(μ, 1) posterior, where μΦ(μ) + φ(μ) cancels (mpmath, 60 digits).
  @Test(arguments: [
    (-8.0, 6.220960574271784e-16, 7.550262411946499e-17, 8.0),
    (-20.0, 2.7536241186062337e-89, 1.3700124947295798e-90, 20.0),
    (8.0, 0.9999999999999993, 8.0, 7.550262411946499e-17),
  ])
  func tails(mu: Double, chance: Double, riskControl: Double, riskTreatment: Double) {
    let s = BayesianSummary(estimate: mu, standardError: 1, alpha: 0.05, prior: nil)
    expectClose(s.chanceToBeatControl, chance, relative: 1e-13)
    expectClose(s.riskOfChoosingControl, riskControl, relative: 1e-13)
    expectClose(s.riskOfChoosingTreatment, riskTreatment, relative: 1e-13)
  }

  /// |μ/σ| = 40: everything finite, chance in [0, 1], the far risk underflows to 0.
  @Test(arguments: [40.0, -40.0])
  func extremeRatioIsFinite(mu: Double) {
    for prior in [nil, NormalPrior.growthBookRelative] {
      let s = BayesianSummary(estimate: mu * 0.001, standardError: 0.001, alpha: 0.05, prior: prior)
      let values = [
        s.posteriorMean, s.posteriorStandardDeviation, s.chanceToBeatControl, s.credibleLower,
        s.credibleUpper, s.riskOfChoosingControl, s.riskOfChoosingTreatment,
      ]
      #expect(values.allSatisfy { $0.isFinite })
      #expect(s.chanceToBeatControl >= 0 && s.chanceToBeatControl <= 1)
      #expect(s.chanceToBeatControl == (mu > 0 ? 1 : 0))
      #expect(s.riskOfChoosingControl >= 0 && s.riskOfChoosingTreatment >= 0)
      #expect(min(s.riskOfChoosingControl, s.riskOfChoosingTreatment) == 0)
    }
  }

  @Test func zeroStandardErrorIsAPointMass() {
    let s = BayesianSummary(estimate: -0.2, standardError: 0, alpha: 0.05, prior: .growthBookRelative)
    #expect(s.posteriorMean == -0.2 && s.posteriorStandardDeviation == 0)
    #expect(s.chanceToBeatControl == 0)
    #expect(s.credibleLower == -0.2 && s.credibleUpper == -0.2)
    #expect(s.riskOfChoosingControl == 0 && s.riskOfChoosingTreatment == 0.2)
  }

  /// Precisions 1/SE² far beyond the double range still give a finite posterior.
  @Test func extremeScalesDoNotOverflow() {
    let tinySE = BayesianSummary(
      estimate: 0.1, standardError: 1e-200, alpha: 0.05, prior: .growthBookRelative)
    expectClose(tinySE.posteriorMean, 0.1, relative: 1e-15)
    expectClose(tinySE.posteriorStandardDeviation, 1e-200, relative: 1e-15)
    let tinyPrior = BayesianSummary(
      estimate: 0.1, standardError: 0.05, alpha: 0.05,
      prior: NormalPrior(mean: 0.02, standardDeviation: 1e-200))
    expectClose(tinyPrior.posteriorMean, 0.02, relative: 1e-15)
    expectClose(tinyPrior.posteriorStandardDeviation, 1e-200, relative: 1e-15)
  }

  @Test func summarizingPassesReasonsThrough() {
    let reason = "the control mean is 0, so a relative lift is undefined"
    #expect(
      BayesianSummary.summarizing(.notComputable(reason), alpha: 0.05, prior: nil)
        == .notComputable(reason))
    let infinite = Effect(
      estimate: .infinity, standardError: 1, lower: 0, upper: 0, pValue: 1, degreesOfFreedom: 1)
    #expect(BayesianSummary.summarizing(.value(infinite), alpha: 0.05, prior: nil).reason != nil)
    let fine = Effect(
      estimate: 0.07142857142857133, standardError: 0.05375064504927802, lower: 0, upper: 0,
      pValue: 1, degreesOfFreedom: 1)
    let s = BayesianSummary.summarizing(.value(fine), alpha: 0.05, prior: nil).value
    expectClose(s?.chanceToBeatControl ?? .nan, 0.9080574898876548, relative: 1e-13)
  }
}
