import Statistics
import TestSupport
import Testing

/// R4 of statistics.md#verification: Welch two-sample t and the delta-method relative lift with the
/// Welch ν (scipy 1.17.1 / statsmodels 0.15.0).
@Suite struct WelchComparisonTests {
  static let control = [12.1, 9.8, 11.4, 10.2, 13.5, 8.9, 10.7, 12.0]
  static let treatment = [13.2, 12.8, 11.9, 14.6, 10.5, 13.9, 15.1, 12.2, 11.7, 14.0]

  static func moments(_ values: [Double]) -> Moments {
    var m = Moments()
    for v in values { m.add(v) }
    return m
  }

  @Test func matchesScipyWelch() throws {
    let c = ArmStatistic(Self.moments(Self.control), family: .mean)
    let t = ArmStatistic(Self.moments(Self.treatment), family: .mean)
    expectClose(c.variance, 2.1649999999999996, relative: 1e-13)
    expectClose(t.variance, 2.072111111111111, relative: 1e-13)
    let comparison = WelchComparison(control: c, treatment: t)
    let absolute = try #require(comparison.absolute.value)
    expectClose(absolute.estimate, 1.9149999999999991, relative: 1e-13)
    expectClose(absolute.standardError, 0.6912569067366423, relative: 1e-13)
    expectClose(absolute.degreesOfFreedom, 14.988726721364495, relative: 1e-12)
    expectClose(absolute.pValue, 0.014297484828611448, relative: 1e-10)
    expectClose(absolute.lower, 0.44152425750357094, relative: 1e-10)
    expectClose(absolute.upper, 3.3884757424964276, relative: 1e-10)
    let relative = try #require(comparison.relative.value)
    expectClose(relative.estimate, 0.17291196388261842, relative: 1e-13)
    expectClose(relative.standardError, 0.06873674822422889, relative: 1e-12)
    expectClose(relative.lower, 0.026393455149551298, relative: 1e-10)
    expectClose(relative.upper, 0.3194304726156856, relative: 1e-10)
    expectClose(relative.pValue, 0.023773655169016097, relative: 1e-10)
  }

  /// R13 "strong" case: 420/10,000 vs 4,500/90,000 with GrowthBook's proportion variance;
  /// gbstats' fixed-horizon `TwoSidedTTest` gives p = 0.0001776932929391517 and the CI below.
  @Test func matchesGbstatsOnProportions() throws {
    let control = ArmStatistic(Moments(count: 10_000, sum: 420, sumOfSquares: 420), family: .proportion)
    let treatment = ArmStatistic(Moments(count: 90_000, sum: 4_500, sumOfSquares: 4_500), family: .proportion)
    let comparison = WelchComparison(control: control, treatment: treatment)
    let absolute = try #require(comparison.absolute.value)
    expectClose(absolute.estimate, 0.008, relative: 1e-12)
    expectClose(absolute.standardError, 0.0021333958324178327, relative: 1e-12)
    expectClose(absolute.lower, 0.003818224640877537, relative: 1e-9)
    expectClose(absolute.upper, 0.012181775359122463, relative: 1e-9)
    expectClose(absolute.pValue, 0.0001776932929391517, relative: 1e-8)
    let relative = try #require(comparison.relative.value)
    expectClose(relative.estimate, 0.19047619047619047, relative: 1e-12)
    expectClose(relative.lower, 0.07398595523409543, relative: 1e-9)
    expectClose(relative.upper, 0.3069664257182855, relative: 1e-9)
    expectClose(relative.pValue, 0.0013535160386071166, relative: 1e-8)
  }

  @Test func degenerateInputsAreNotComputableNeverNaN() {
    let one = ArmStatistic(count: 1, mean: 1, variance: 0)
    let many = ArmStatistic(count: 50, mean: 0.5, variance: 0.25)
    #expect(WelchComparison(control: one, treatment: many).absolute.reason != nil)
    let flat = ArmStatistic(count: 50, mean: 0, variance: 0)
    let flatComparison = WelchComparison(control: flat, treatment: flat)
    #expect(flatComparison.absolute.reason?.contains("zero variance") == true)
    // Everyone converted (or nobody did) in one arm: zero variance, as gbstats refuses too.
    let nobody = ArmStatistic(count: 50, mean: 0, variance: 0)
    let oneSided = WelchComparison(control: nobody, treatment: many)
    #expect(oneSided.absolute.reason?.contains("every user in the control arm has the same value (0)") == true)
    // A zero mean with spread (gains and refunds): the difference exists, the lift does not.
    let zeroBaseline = ArmStatistic(count: 50, mean: 0, variance: 4)
    let comparison = WelchComparison(control: zeroBaseline, treatment: many)
    #expect(comparison.absolute.value != nil)
    #expect(comparison.relative.reason?.contains("control mean is 0") == true)
  }
}

@Suite struct SampleRatioTests {
  /// k = 2: p = erfc(√(χ²/2)); k = 3: p = exp(−χ²/2) (statistics.md#sample-ratio-mismatch).
  @Test func closedFormsForTwoAndThreeArms() {
    let two = SampleRatioTest(observed: [1_030, 8_970], weights: [0.1, 0.9])
    expectClose(two.chiSquare, 900.0 / 1000 + 900.0 / 9000, relative: 1e-13)
    expectClose(two.pValue, ChiSquared(degreesOfFreedom: 1).sf(1.0), relative: 1e-13)
    expectClose(two.pValue, 0.31731050786291415, relative: 1e-12)
    let three = SampleRatioTest(observed: [2_035, 8_887, 9_078], weights: [0.1, 0.45, 0.45])
    expectClose(three.pValue, exp(-three.chiSquare / 2), relative: 1e-12)
    #expect(three.verdict == .ok)
  }

  @Test func flagsMismatchBelowThresholdAndSmallArms() {
    #expect(SampleRatioTest(observed: [900, 9_100], weights: [0.1, 0.9]).verdict == .mismatch)
    #expect(SampleRatioTest(observed: [5, 60], weights: [0.1, 0.9]).verdict == .notEnoughData)
  }
}

@Suite struct MomentsTests {
  @Test func chanMergeEqualsSequentialAccumulation() {
    var all = Moments(), left = Moments(), right = Moments()
    let xs = (0..<1000).map { Double(($0 * 7919) % 1009) / 10 + 1e6 }
    let pres = (0..<1000).map { Double(($0 * 104_729) % 997) / 10 }
    for i in 0..<1000 {
      all.add(xs[i], pre: pres[i])
      if i < 377 { left.add(xs[i], pre: pres[i]) } else { right.add(xs[i], pre: pres[i]) }
    }
    left.merge(right)
    #expect(left.count == all.count)
    expectClose(left.mean, all.mean, relative: 1e-14)
    expectClose(left.m2, all.m2, relative: 1e-9)
    // The co-moment nearly cancels here, so compare on the scale of √(M2·preM2).
    expectClose(left.coMoment, all.coMoment, absolute: 1e-9 * (all.m2 * all.preM2).squareRoot())
    expectClose(left.preM2, all.preM2, relative: 1e-9)
  }

  @Test func sumsRoundTrip() {
    let m = Moments(count: 4, sum: 10, sumOfSquares: 30, preSum: 4, preSumOfSquares: 6, sumOfProducts: 12)
    expectClose(m.sum, 10, relative: 1e-15)
    expectClose(m.sumOfSquares, 30, relative: 1e-15)
    expectClose(m.sumOfProducts, 12, relative: 1e-15)
    expectClose(m.sampleVariance, (30 - 25.0) / 3, relative: 1e-15)
  }
}

#if canImport(Glibc)
  import Glibc
#endif
