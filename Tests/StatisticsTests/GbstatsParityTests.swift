import Foundation
import Statistics
import TestSupport
import Testing

/// Parity with GrowthBook's Python engine: 41 cases computed by `gbstats` at GrowthBook commit
/// 8f1db44 (2026-08-21; one version for every formula: the relative CUPED variance
/// `frequentist_variance_relative_cuped` and the binomial CUPED covariance of PR #4250, both
/// later than the PyPI wheel 0.8.0) with `Fixtures/gbstats_parity.py` into
/// `Fixtures/gbstats-parity.json` — proportions and means, absolute and relative, fixed horizon
/// and sequential (N* = 1,000 / 5,000 / 100,000), CUPED, Bayesian with flat and N(0, 0.3²)
/// priors, and degenerate inputs.
///
/// Tolerance: 1e-9 relative for every estimate, SE, interval end, θ, chance and risk; p-values
/// also to 1e-15 absolute (gbstats forms p as 2·(1 − cdf), exact only to ~2e-16 absolutely).
@Suite struct GbstatsParityTests {
  nonisolated(unsafe) static let cases: [[String: Any]] = {
    let path = TestPaths.root() + "/Tests/StatisticsTests/Fixtures/gbstats-parity.json"
    let data = FileManager.default.contents(atPath: path) ?? Data()
    let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    return root?["cases"] as? [[String: Any]] ?? []
  }()

  static func moments(_ arm: [String: Any]) -> Moments {
    func number(_ key: String) -> Double { (arm[key] as? NSNumber)?.doubleValue ?? 0 }
    return Moments(
      count: Int(number("n")), sum: number("sum"), sumOfSquares: number("sum_squares"),
      preSum: number("pre_sum"), preSumOfSquares: number("pre_sum_squares"),
      sumOfProducts: number("sum_product"))
  }

  static func close(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(actual - expected) <= tolerance * max(abs(expected), 1e-300)
  }

  @Test func fixtureIsPresent() {
    #expect(Self.cases.count == 41)
  }

  @Test(arguments: 0..<41)
  func matchesGbstats(index: Int) throws {
    try #require(index < Self.cases.count)
    let item = Self.cases[index]
    let name = item["name"] as! String
    let family: ArmStatistic.Family = (item["family"] as! String) == "proportion" ? .proportion : .mean
    let alpha = (item["alpha"] as! NSNumber).doubleValue
    let control = Self.moments(item["control"] as! [String: Any])
    let treatment = Self.moments(item["treatment"] as! [String: Any])
    let isRelative = (item["difference"] as! String) == "relative"
    let tuning = (item["sequential_tuning"] as? NSNumber)?.doubleValue
    let cuped = item["cuped"] as! Bool
    let expected = item["expected"] as! [String: Any]
    func value(_ key: String) -> Double { (expected[key] as! NSNumber).doubleValue }

    let theta = cuped ? ArmStatistic.pooledTheta(control, treatment, family: family) ?? 0 : 0
    let comparison = WelchComparison(
      control: ArmStatistic(control, family: family), treatment: ArmStatistic(treatment, family: family),
      alpha: alpha, theta: theta, sequentialTuning: tuning)
    let result = isRelative ? comparison.relative : comparison.absolute

    if expected["error"] != nil {
      // gbstats returns a default result with an error message; Holdout says why, never NaN.
      #expect(result.reason != nil, "\(name): gbstats refuses (\(expected["error"]!)), Holdout computed \(result)")
      return
    }
    if cuped { #expect(Self.close(theta, value("theta")), "\(name): theta \(theta) vs \(value("theta"))") }
    let effect = try #require(result.value, "\(name): \(result.reason ?? "")")
    #expect(Self.close(effect.estimate, value("estimate")), "\(name): estimate \(effect.estimate)")
    #expect(Self.close(effect.standardError, value("se")), "\(name): se \(effect.standardError) vs \(value("se"))")
    #expect(Self.close(effect.lower, value("ci_low")), "\(name): ci_low \(effect.lower) vs \(value("ci_low"))")
    #expect(Self.close(effect.upper, value("ci_high")), "\(name): ci_high \(effect.upper) vs \(value("ci_high"))")
    let p = value("p_value")
    #expect(Self.close(effect.pValue, p) || abs(effect.pValue - p) < 1e-15, "\(name): p \(effect.pValue) vs \(p)")
    if cuped, theta != 0, let unadjusted = (isRelative ? WelchComparison(
      control: ArmStatistic(control, family: family), treatment: ArmStatistic(treatment, family: family),
      alpha: alpha).relative : WelchComparison(
      control: ArmStatistic(control, family: family), treatment: ArmStatistic(treatment, family: family),
      alpha: alpha).absolute).value
    {
      #expect(Self.close(unadjusted.standardError, value("unadjusted_se")), "\(name): unadjusted se")
    }

    guard let bayes = item["bayesian"] as? [String: Any], bayes["error"] == nil else { return }
    func b(_ key: String) -> Double { (bayes[key] as! NSNumber).doubleValue }
    var prior: NormalPrior? = nil
    if let p = bayes["prior"] as? [String: Any] {
      prior = NormalPrior(mean: (p["mean"] as! NSNumber).doubleValue, standardDeviation: (p["sd"] as! NSNumber).doubleValue)
    }
    let fixed = try #require(comparison.fixedRelative.value)
    let summary = BayesianSummary(
      estimate: fixed.estimate, standardError: fixed.standardError, alpha: alpha, prior: prior)
    #expect(Self.close(summary.chanceToBeatControl, b("chance_to_win")), "\(name): chance")
    #expect(Self.close(summary.credibleLower, b("ci_low")), "\(name): credible low")
    #expect(Self.close(summary.credibleUpper, b("ci_high")), "\(name): credible high")
    #expect(Self.close(summary.riskOfChoosingControl, b("risk_control")), "\(name): risk control")
    #expect(Self.close(summary.riskOfChoosingTreatment, b("risk_treatment")), "\(name): risk treatment")
  }
}
