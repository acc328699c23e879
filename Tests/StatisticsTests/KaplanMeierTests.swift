import Statistics
import TestSupport
import Testing

/// Kaplan–Meier with Greenwood variance and log-log intervals. Reference values:
/// statistics.md#verification, R10 (KM tables and lifelines 0.30.3 values) and lifelines 0.30.3
/// `KaplanMeierFitter` run by Tests/StatisticsTests/Fixtures/reference_leaf_types.py for the larger
/// cases.
@Suite struct KaplanMeierTests {
  static let controlDays: [Double] = [2, 3, 3, 5, 7, 7, 8, 12, 15, 20, 30, 30, 4, 6, 25]
  static let controlEvent = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1].map { $0 == 1 }
  static let treatmentDays: [Double] = [1, 2, 2, 4, 4, 6, 9, 10, 14, 18, 25, 30, 3, 5, 30]
  static let treatmentEvent = [1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0].map { $0 == 1 }

  static func checkTable(
    _ km: KaplanMeier, _ rows: [(t: Double, n: Int, d: Int, s: Double, g: Double)]
  ) {
    #expect(km.steps.count == rows.count)
    for (step, row) in zip(km.steps, rows) {
      #expect(step.time == row.t)
      #expect(step.atRisk == row.n, "n at t = \(row.t)")
      #expect(step.events == row.d, "d at t = \(row.t)")
      expectClose(step.survival, row.s, relative: 1e-15, "S(\(row.t))")
      expectClose(step.greenwoodSum, row.g, relative: 1e-15, "G(\(row.t))")
    }
  }

  /// R10 control KM table (t, n at risk, d, S(t), Σ d/(n(n−d))).
  @Test func controlTable() {
    let km = KaplanMeier(times: Self.controlDays, events: Self.controlEvent)
    #expect(km.count == 15)
    Self.checkTable(
      km,
      [
        (2, 15, 1, 0.9333333333333333, 0.004761904761904762),
        (3, 14, 1, 0.8666666666666667, 0.010256410256410258),
        (5, 11, 1, 0.7878787878787878, 0.01934731934731935),
        (6, 10, 1, 0.7090909090909091, 0.030458430458430462),
        (7, 9, 2, 0.5515151515151515, 0.062204462204462206),
        (12, 6, 1, 0.4595959595959596, 0.09553779553779554),
        (20, 4, 1, 0.3446969696969697, 0.17887112887112888),
        (25, 3, 1, 0.22979797979797983, 0.3455377955377955),
      ])
    #expect(km.steps[1].censored == 1)  // (3, censored) is at risk at t = 3
    #expect(km.steps.allSatisfy { $0.time != 30 })  // censor-only time: no step
  }

  /// R10 treatment KM table.
  @Test func treatmentTable() {
    let km = KaplanMeier(times: Self.treatmentDays, events: Self.treatmentEvent)
    Self.checkTable(
      km,
      [
        (1, 15, 1, 0.9333333333333333, 0.004761904761904762),
        (2, 14, 2, 0.8, 0.016666666666666666),
        (3, 12, 1, 0.7333333333333334, 0.024242424242424242),
        (4, 11, 1, 0.6666666666666667, 0.03333333333333333),
        (5, 9, 1, 0.5925925925925927, 0.04722222222222222),
        (6, 8, 1, 0.5185185185185186, 0.06507936507936507),
        (9, 7, 1, 0.44444444444444453, 0.08888888888888888),
        (10, 6, 1, 0.37037037037037046, 0.1222222222222222),
        (14, 5, 1, 0.2962962962962964, 0.17222222222222222),
        (25, 3, 1, 0.19753086419753094, 0.3388888888888889),
      ])
  }

  /// R10 S(7), S(30), Greenwood variance and lifelines' log-log 95 % intervals.
  @Test(arguments: [
    ("control", 7.0, 0.5515151515151514, 0.018920666722319616, 0.25843835217226174, 0.7697296600488257),
    ("control", 30.0, 0.22979797979797972, 0.018246852903074214, 0.03999180687549423, 0.5107958294095042),
    ("treatment", 7.0, 0.5185185185185185, 0.017497332723670173, 0.24507551399343672, 0.7358288245664393),
    ("treatment", 30.0, 0.19753086419753085, 0.013222916560822378, 0.03772347958264664, 0.44817155592160424),
  ])
  func lifelinesPointValues(
    arm: String, t: Double, s: Double, variance: Double, lower: Double, upper: Double
  ) throws {
    let km =
      arm == "control"
      ? KaplanMeier(times: Self.controlDays, events: Self.controlEvent)
      : KaplanMeier(times: Self.treatmentDays, events: Self.treatmentEvent)
    expectClose(km.survival(at: t), s, relative: 1e-14)
    expectClose(km.greenwoodVariance(at: t), variance, relative: 1e-14)
    let ci = try #require(km.logLogInterval(at: t, alpha: 0.05))
    expectClose(ci.lower, lower, relative: 1e-13)
    expectClose(ci.upper, upper, relative: 1e-13)
    expectClose(km.returnRate(at: t), 1 - s, relative: 1e-14)
  }

  @Test func stepFunctionIsRightContinuous() {
    let km = KaplanMeier(times: Self.controlDays, events: Self.controlEvent)
    #expect(km.survival(at: 1.999) == 1)
    #expect(km.survival(at: 2) == km.steps[0].survival)
    #expect(km.survival(at: 6.999) == km.steps[3].survival)
    #expect(km.survival(at: 1_000) == km.steps.last?.survival)
    #expect(km.greenwoodVariance(at: 0) == 0)
    #expect(km.logLogInterval(at: 1, alpha: 0.05) == nil)  // S = 1
  }

  /// Shuffled input (and −0 for 0) gives identical steps.
  @Test func orderIndependent() {
    let reference = KaplanMeier(times: Self.controlDays, events: Self.controlEvent)
    let n = Self.controlDays.count
    for shift in 1..<n {
      let order = (0..<n).map { ($0 * 7 + shift) % n }
      let km = KaplanMeier(times: order.map { Self.controlDays[$0] }, events: order.map { Self.controlEvent[$0] })
      #expect(km == reference, "shift \(shift)")
    }
    let zeros = KaplanMeier(times: [0, -0.0, 0, 1], events: [false, true, true, true])
    let zerosReversed = KaplanMeier(times: [1, 0, -0.0, 0], events: [true, true, true, false])
    #expect(zeros == zerosReversed)
    #expect(zeros.steps[0].events == 2 && zeros.steps[0].censored == 1)
  }

  /// 200 users, time = (37i mod 30) + 1, returned unless 13i ≡ 0 (mod 4): lifelines values.
  @Test(arguments: [
    (1.0, 0.9850000000000004, 7.387500000000007e-05, 0.9542196567879786, 0.9951374413105993),
    (5.0, 0.8820768566493948, 0.000533805858965137, 0.8278633738350778, 0.9200347399694746),
    (10.0, 0.731725700324603, 0.0010382719824763788, 0.662482257492588, 0.7890396288386777),
    (17.0, 0.5302129890043772, 0.0013903908150309085, 0.4545571642020179, 0.6001451037241522),
    (29.0, 0.10841910822709565, 0.0008174705520918612, 0.06058635644436265, 0.17194115192899456),
  ])
  func largerLifelinesCase(t: Double, s: Double, variance: Double, lower: Double, upper: Double) throws {
    let times = (0..<200).map { Double(($0 * 37) % 30 + 1) }
    let events = (0..<200).map { ($0 * 13) % 4 != 0 }
    let km = KaplanMeier(times: times, events: events)
    #expect(km.count == 200)
    expectClose(km.survival(at: t), s, relative: 1e-12)
    expectClose(km.greenwoodVariance(at: t), variance, relative: 1e-12)
    let ci = try #require(km.logLogInterval(at: t, alpha: 0.05))
    expectClose(ci.lower, lower, relative: 1e-12)
    expectClose(ci.upper, upper, relative: 1e-12)
  }

  /// Everyone still at risk returns at day 9 (n − d = 0): S drops to 0, the infinite Greenwood
  /// term is left out as in lifelines (sum stays 0.28333…), the variance is 0 and the interval
  /// is nil (lifelines fills (0, 0)). lifelines: S = 0.8333…, 0.8333…, 0.41666…, 0 at 1, 3, 4, 9.
  @Test func everyoneAtRiskReturns() throws {
    let km = KaplanMeier(
      times: [1, 3, 4, 4, 9, 9], events: [true, false, true, true, true, true])
    #expect(km.steps.map(\.time) == [1, 4, 9])
    expectClose(km.survival(at: 3), 0.8333333333333333, relative: 1e-15)
    expectClose(km.survival(at: 4), 0.41666666666666663, relative: 1e-15)
    #expect(km.survival(at: 9) == 0)
    expectClose(km.greenwoodSum(at: 4), 0.2833333333333333, relative: 1e-15)
    expectClose(km.greenwoodSum(at: 9), 0.2833333333333333, relative: 1e-15)
    #expect(km.greenwoodVariance(at: 9) == 0)
    #expect(km.logLogInterval(at: 9, alpha: 0.05) == nil)
    let ci = try #require(km.logLogInterval(at: 4, alpha: 0.05))
    expectClose(ci.lower, 0.05599186485205286, relative: 1e-13)
    expectClose(ci.upper, 0.7665222195505801, relative: 1e-13)
    let first = try #require(km.logLogInterval(at: 1, alpha: 0.05))
    expectClose(first.lower, 0.27312284992835606, relative: 1e-13)
    expectClose(first.upper, 0.9747124266908935, relative: 1e-13)
  }

  @Test func degenerateInputs() {
    let empty = KaplanMeier(times: [], events: [])
    #expect(empty.count == 0 && empty.steps.isEmpty)
    #expect(empty.survival(at: 5) == 1 && empty.greenwoodVariance(at: 5) == 0)
    #expect(empty.logLogInterval(at: 5, alpha: 0.05) == nil)
    let censoredOnly = KaplanMeier(times: [3, 5], events: [false, false])
    #expect(censoredOnly.steps.isEmpty && censoredOnly.survival(at: 10) == 1)
    let withNaN = KaplanMeier(times: [.nan, 2, 4], events: [true, true, false])
    #expect(withNaN.count == 2)
    #expect(withNaN.survival(at: 2) == 0.5)
  }
}
