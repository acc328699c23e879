import Statistics
import TestSupport
import Testing

/// Power and sample size. Reference values: statistics.md#verification, R9 (scipy 1.17.1 closed
/// forms) and statsmodels 0.15.0 `NormalIndPower` / scipy closed forms in
/// Tests/StatisticsTests/Fixtures/reference_leaf_types.py.
@Suite struct PowerPlanTests {
  static let plan = PowerPlan(alpha: 0.05, power: 0.8, holdoutFraction: 0.1, arms: 2)

  /// R9 `binary_N_total_unpooled` = 211300.56342615964 → `binary_N_total_ceil` = 211301
  /// (p_C = 4 %, +10 % relative, 10 % holdout, α = 0.05, power 0.8).
  @Test func binarySampleSize() {
    #expect(Self.plan.usersNeeded(baseline: 0.04, relativeLift: 0.1) == .value(211_301))
    let direct = Self.plan.usersNeeded(
      controlMean: 0.04, controlSD: (0.04 * 0.96).squareRoot(), treatmentMean: 0.044,
      treatmentSD: (0.044 * 0.956).squareRoot())
    #expect(direct == .value(211_301))
  }

  /// R9 `continuous_N_total` = 218024.43706525242 (σ = 50 in both arms, δ = 1) → 218,025; with a
  /// second treatment arm (κ_T = 0.45 each) 239826.88077177768 → 239,827 (scipy closed form).
  @Test func continuousSampleSize() {
    #expect(
      Self.plan.usersNeeded(controlMean: 10, controlSD: 50, treatmentMean: 11, treatmentSD: 50)
        == .value(218_025))
    let threeArms = PowerPlan(alpha: 0.05, power: 0.8, holdoutFraction: 0.1, arms: 3)
    expectClose(threeArms.treatmentFraction, 0.45, relative: 1e-15)
    #expect(
      threeArms.usersNeeded(controlMean: 10, controlSD: 50, treatmentMean: 11, treatmentSD: 50)
        == .value(239_827))
  }

  /// R9 `mde_abs_binary_N200000` = 0.00409197712195601: n_C = 20,000, n_T = 180,000,
  /// σ² = 0.04·0.96 in both arms.
  @Test func absoluteMinimumDetectableEffect() throws {
    let sd = (0.04 * 0.96).squareRoot()
    let mde = Self.plan.minimumDetectableEffect(
      controlSD: sd, treatmentSD: sd, controlUsers: 20_000, treatmentUsers: 180_000)
    expectClose(try #require(mde.value), 0.00409197712195601, relative: 1e-13)
  }

  /// R9 `power_at_N200000` = 0.778066870092236 (unpooled, p_T = 4.4 %, both tails) and
  /// statsmodels `NormalIndPower().power(effect_size=0.004/σ, nobs1=20000, ratio=9)` =
  /// 0.7819079987319797 with one common σ = √(0.04·0.96).
  @Test func achievedPower() throws {
    let unpooled = Self.plan.achievedPower(
      effect: 0.004, controlSD: (0.04 * 0.96).squareRoot(), treatmentSD: (0.044 * 0.956).squareRoot(),
      controlUsers: 20_000, treatmentUsers: 180_000)
    expectClose(try #require(unpooled.value), 0.778066870092236, relative: 1e-12)
    let sd = (0.04 * 0.96).squareRoot()
    let common = Self.plan.achievedPower(
      effect: 0.004, controlSD: sd, treatmentSD: sd, controlUsers: 20_000, treatmentUsers: 180_000)
    expectClose(try #require(common.value), 0.7819079987319797, relative: 1e-12)
    let negative = Self.plan.achievedPower(
      effect: -0.004, controlSD: sd, treatmentSD: sd, controlUsers: 20_000, treatmentUsers: 180_000)
    expectClose(try #require(negative.value), 0.7819079987319797, relative: 1e-12)
  }

  /// Round trip: the relative MDE at N = usersNeeded(lift) is the lift (slightly below, because N
  /// was rounded up), and one user fewer no longer reaches it.
  @Test func relativeMinimumDetectableLiftRoundTrip() throws {
    for (plan, lift) in [
      (Self.plan, 0.1), (Self.plan, 0.03),
      (PowerPlan(alpha: 0.01, power: 0.9, holdoutFraction: 0.05, arms: 4), 0.2),
    ] {
      let users = try #require(plan.usersNeeded(baseline: 0.04, relativeLift: lift).value)
      let mde = try #require(plan.minimumDetectableRelativeLift(baseline: 0.04, totalUsers: users).value)
      expectClose(mde, lift, relative: 1e-4)
      #expect(mde <= lift)
      let fewer = try #require(
        plan.minimumDetectableRelativeLift(baseline: 0.04, totalUsers: users - 1).value)
      #expect(fewer > lift)
    }
  }

  @Test func invalidPlansAndInputsAreNotComputable() {
    for bad in [
      PowerPlan(alpha: 0, power: 0.8, holdoutFraction: 0.1, arms: 2),
      PowerPlan(alpha: 0.05, power: 1, holdoutFraction: 0.1, arms: 2),
      PowerPlan(alpha: 0.05, power: 0.8, holdoutFraction: 1, arms: 2),
      PowerPlan(alpha: 0.05, power: 0.8, holdoutFraction: 0.1, arms: 1),
      PowerPlan(alpha: 0.05, power: 0.01, holdoutFraction: 0.1, arms: 2),  // power ≤ α/2
      PowerPlan(alpha: .nan, power: 0.8, holdoutFraction: 0.1, arms: 2),
    ] {
      #expect(bad.usersNeeded(baseline: 0.04, relativeLift: 0.1).reason != nil)
      #expect(bad.minimumDetectableRelativeLift(baseline: 0.04, totalUsers: 1_000).reason != nil)
      #expect(bad.minimumDetectableEffect(controlSD: 1, treatmentSD: 1, controlUsers: 9, treatmentUsers: 9).reason != nil)
    }
    let plan = Self.plan
    #expect(plan.usersNeeded(baseline: 0.04, relativeLift: 0).reason?.contains("effect is 0") == true)
    #expect(plan.usersNeeded(baseline: 0.5, relativeLift: 1.5).reason != nil)  // p_T > 1
    #expect(plan.usersNeeded(baseline: 0, relativeLift: 0.1).reason != nil)
    #expect(
      plan.usersNeeded(controlMean: 1, controlSD: 0, treatmentMean: 2, treatmentSD: 0).reason?
        .contains("zero variance") == true)
    #expect(
      plan.usersNeeded(controlMean: 0, controlSD: 1e10, treatmentMean: 1e-300, treatmentSD: 1e10).reason?
        .contains("2^53") == true)
    #expect(
      plan.minimumDetectableEffect(controlSD: 1, treatmentSD: 1, controlUsers: 0, treatmentUsers: 9).reason
        != nil)
    #expect(
      plan.achievedPower(effect: 1, controlSD: 0, treatmentSD: 0, controlUsers: 9, treatmentUsers: 9).reason
        != nil)
    #expect(plan.minimumDetectableRelativeLift(baseline: 0.04, totalUsers: 0).reason != nil)
    #expect(
      plan.minimumDetectableRelativeLift(baseline: 0.04, totalUsers: 2).reason?.contains("100%") == true)
  }
}
