import Statistics
import TestSupport
import Testing

/// Effect on the exposed (CACE) with one-sided non-compliance. Reference values:
/// statistics.md#verification, R11, and a continuous-outcome case computed with numpy (n − 1
/// `np.cov`) and scipy.stats.norm by Tests/StatisticsTests/Fixtures/reference_leaf_types.py (which
/// also reproduces R11).
@Suite struct ComplierEffectTests {
  /// R11: holdout 400/10,000 conversions; treatment 90,000 users, 54,000 exposed with 2,700
  /// conversions and 1,350 conversions among the 36,000 unexposed (0/1 outcome: Σy² = Σy).
  static let r11 = ComplierEffect(
    treatmentUsers: 90_000, treatmentSum: 4_050, treatmentSumOfSquares: 4_050,
    treatmentExposed: 54_000, treatmentExposedSum: 2_700,
    controlUsers: 10_000, controlSum: 400, controlSumOfSquares: 400, alpha: 0.05)

  @Test func everyR11Row() throws {
    let e = Self.r11
    let itt = try #require(e.intentToTreat.value)
    expectClose(itt.estimate, 0.0049999999999999975, relative: 1e-12, "itt")
    expectClose(itt.standardError, 0.002077953162132955, relative: 1e-12, "itt_se")
    expectClose(e.exposureRate, 0.6, relative: 1e-15, "compliance_rate")
    let cace = try #require(e.effect.value)
    expectClose(cace.estimate, 0.00833333333333333, relative: 1e-12, "cace_bloom")
    expectClose(try #require(e.bloomStandardError.value), 0.003463255270221592, relative: 1e-12)
    expectClose(cace.standardError, 0.0034631067336572167, relative: 1e-12, "cace_se_delta_full")
    expectClose(cace.lower, 0.00154576886074704, relative: 1e-11, "cace_ci95 low")
    expectClose(cace.upper, 0.01512089780591962, relative: 1e-12, "cace_ci95 high")
    expectClose(cace.pValue, 0.016114265892815876, relative: 1e-11, "p (scipy norm.sf)")
    #expect(cace.degreesOfFreedom == 0)
    expectClose(try #require(e.neverTakerMean.value), 0.0375, relative: 1e-14)
    expectClose(try #require(e.complierControlMean.value), 0.04166666666666667, relative: 1e-12)
    expectClose(try #require(e.complierRelativeLift.value), 0.1999999999999999, relative: 1e-12)
    // incremental conversions: ITT·n_T = CACE·n_E = 450 (R11)
    expectClose(itt.estimate * 90_000, 449.9999999999998, relative: 1e-12)
    expectClose(cace.estimate * 54_000, 449.99999999999983, relative: 1e-12)
  }

  /// Under weekly peeking the effect on the exposed gets the always-valid sequence like every
  /// other interval: same estimate and SE as R11, half-width the confidence sequence's at N =
  /// 100,000 = 20·N*, which is 1.70× the fixed z half-width at α = 0.05 (ConfidenceSequence).
  @Test func sequentialReportsGetAlwaysValidIntervals() throws {
    let fixed = try #require(Self.r11.effect.value)
    let e = ComplierEffect(
      treatmentUsers: 90_000, treatmentSum: 4_050, treatmentSumOfSquares: 4_050,
      treatmentExposed: 54_000, treatmentExposedSum: 2_700,
      controlUsers: 10_000, controlSum: 400, controlSumOfSquares: 400, alpha: 0.05, sequentialTuning: 5_000)
    let cace = try #require(e.effect.value)
    expectClose(cace.estimate, fixed.estimate, relative: 1e-15, "same estimate")
    expectClose(cace.standardError, fixed.standardError, relative: 1e-15, "same SE")
    let h = ConfidenceSequence.halfWidth(standardError: cace.standardError, totalUsers: 100_000, alpha: 0.05, tuning: 5_000)
    expectClose(cace.upper - cace.estimate, h, relative: 1e-12, "sequence half-width")
    expectClose(cace.estimate - cace.lower, h, relative: 1e-12, "symmetric")
    let ratio = h / (fixed.upper - fixed.estimate)
    #expect(abs(ratio - 1.70) < 0.01, "ratio \(ratio)")
    #expect(cace.pValue > fixed.pValue)
    let itt = try #require(e.intentToTreat.value)
    let fixedITT = try #require(Self.r11.intentToTreat.value)
    #expect(itt.upper - itt.estimate > fixedITT.upper - fixedITT.estimate)
  }

  /// Revenue-like outcome: 300 holdout users y = 1.25·(31i mod 17); 500 treatment users,
  /// exposed when i mod 10 < 7, y = 1.25·(29i mod 19) + 2.5 if exposed and i ≡ 0 (mod 3).
  @Test func continuousOutcomeMatchesNumpy() throws {
    let e = ComplierEffect(
      treatmentUsers: 500, treatmentSum: 5895.0, treatmentSumOfSquares: 93681.25,
      treatmentExposed: 350, treatmentExposedSum: 4240.0,
      controlUsers: 300, controlSum: 3002.5, controlSumOfSquares: 41300.0, alpha: 0.05)
    let itt = try #require(e.intentToTreat.value)
    expectClose(itt.estimate, 1.7816666666666663, relative: 1e-12)
    expectClose(itt.standardError, 0.4715171780407229, relative: 1e-12)
    expectClose(e.exposureRate, 0.7, relative: 1e-15)
    let cace = try #require(e.effect.value)
    expectClose(cace.estimate, 2.545238095238095, relative: 1e-12)
    expectClose(try #require(e.bloomStandardError.value), 0.6735959686296042, relative: 1e-12)
    expectClose(cace.standardError, 0.674217692891524, relative: 1e-12)
    expectClose(cace.lower, 1.2237956994310213, relative: 1e-12)
    expectClose(cace.upper, 3.8666804910451686, relative: 1e-12)
    expectClose(cace.pValue, 0.0001599445504937632, relative: 1e-10)
    expectClose(try #require(e.neverTakerMean.value), 11.033333333333333, relative: 1e-13)
    expectClose(try #require(e.complierControlMean.value), 9.569047619047618, relative: 1e-12)
    expectClose(try #require(e.complierRelativeLift.value), 0.26598656382184627, relative: 1e-12)
  }

  @Test func nobodyExposedIsNotComputable() {
    let e = ComplierEffect(
      treatmentUsers: 1_000, treatmentSum: 45, treatmentSumOfSquares: 45, treatmentExposed: 0,
      treatmentExposedSum: 0, controlUsers: 100, controlSum: 4, controlSumOfSquares: 4, alpha: 0.05)
    #expect(e.exposureRate == 0)
    #expect(e.intentToTreat.value != nil)
    #expect(e.effect.reason?.contains("no treatment user was exposed") == true)
    #expect(e.bloomStandardError.reason != nil)
    #expect(e.complierControlMean.reason != nil)
    #expect(e.complierRelativeLift.reason != nil)
    expectClose(e.neverTakerMean.value ?? .nan, 0.045, relative: 1e-15)
  }

  /// c = 1: there are no never-takers, the complier control mean is the holdout mean and the
  /// effect on the exposed is the ITT (Var(d̄) = Cov = 0).
  @Test func everyoneExposed() throws {
    let e = ComplierEffect(
      treatmentUsers: 1_000, treatmentSum: 50, treatmentSumOfSquares: 50, treatmentExposed: 1_000,
      treatmentExposedSum: 50, controlUsers: 1_000, controlSum: 40, controlSumOfSquares: 40,
      alpha: 0.05)
    #expect(e.neverTakerMean.reason?.contains("no never-takers") == true)
    expectClose(try #require(e.complierControlMean.value), 0.04, relative: 1e-15)
    let itt = try #require(e.intentToTreat.value)
    let cace = try #require(e.effect.value)
    expectClose(cace.estimate, itt.estimate, relative: 1e-15)
    expectClose(cace.standardError, itt.standardError, relative: 1e-15)
    expectClose(try #require(e.complierRelativeLift.value), 0.25, relative: 1e-12)
  }

  @Test func otherDegenerateInputs() {
    let tiny = ComplierEffect(
      treatmentUsers: 1, treatmentSum: 1, treatmentSumOfSquares: 1, treatmentExposed: 1,
      treatmentExposedSum: 1, controlUsers: 10, controlSum: 1, controlSumOfSquares: 1, alpha: 0.05)
    #expect(tiny.effect.reason?.contains("at least 2") == true)
    #expect(tiny.neverTakerMean.reason != nil)
    let tooMany = ComplierEffect(
      treatmentUsers: 10, treatmentSum: 1, treatmentSumOfSquares: 1, treatmentExposed: 11,
      treatmentExposedSum: 1, controlUsers: 10, controlSum: 1, controlSumOfSquares: 1, alpha: 0.05)
    #expect(tooMany.effect.reason?.contains("outside") == true)
    #expect(tooMany.exposureRate == 0)
    let flat = ComplierEffect(
      treatmentUsers: 10, treatmentSum: 0, treatmentSumOfSquares: 0, treatmentExposed: 5,
      treatmentExposedSum: 0, controlUsers: 10, controlSum: 0, controlSumOfSquares: 0, alpha: 0.05)
    #expect(flat.effect.reason?.contains("zero variance") == true)
    #expect(flat.complierRelativeLift.reason?.contains("is 0") == true)
    let infinite = ComplierEffect(
      treatmentUsers: 10, treatmentSum: .infinity, treatmentSumOfSquares: 1, treatmentExposed: 5,
      treatmentExposedSum: 0, controlUsers: 10, controlSum: 0, controlSumOfSquares: 0, alpha: 0.05)
    #expect(infinite.effect.reason?.contains("not finite") == true)
  }
}
