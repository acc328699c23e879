import Dispatch
import Ingest
import MeasurementModel
import Statistics

/// Days to first return per arm: Kaplan–Meier curves with Greenwood log-log bands, read at a few
/// days, and the log-rank test of each treatment arm against the control
/// (statistics.md#return-curves-kaplanmeier-and-log-rank).
///
/// Returns are right-censored at each user's follow-up, min(as_of − entry, `days`), so every
/// analysed user counts, including those who entered last week. The curve is the share returned,
/// F(t) = 1 − S(t); its band is 1 − (the band of S).
public struct SurvivalSummary: Sendable {
  /// One point of an arm's curve.
  public struct Point: Sendable {
    /// Days after entry.
    public let day: Double
    /// Users still followed and not yet returned at `day` (the risk set).
    public let atRisk: Int
    /// The share returned by `day`, 1 − S(day).
    public let returned: Double
    /// The band of the share returned, or nil when S is 0 or 1 (no band is defined there).
    public let band: (lower: Double, upper: Double)?
  }

  /// One arm's curve.
  public struct Curve: Sendable {
    public let arm: String
    /// Users followed.
    public let users: Int
    /// Users with an observed return.
    public let returns: Int
    /// The curve read at `SurvivalSummary.readDays` (those within the follow-up).
    public let points: [Point]
  }

  /// One treatment arm's log-rank test against the control.
  public struct Test: Sendable, Equatable {
    public let arm: String
    public let chiSquare: Double
    public let degreesOfFreedom: Int
    public let pValue: Double
  }

  /// The days at which curves are read in tables.
  public static let readDays: [Double] = [1, 3, 7, 14, 21, 30, 60, 90]

  /// The return events.
  public let events: [String]
  /// The longest follow-up, in days.
  public let days: Double
  /// Curves in arm order.
  public let curves: [Curve]
  /// Tests in treatment-arm order; `notComputable` when there are no returns to compare.
  public let tests: [(arm: String, result: Computed<Test>)]

  /// Summarises `survival` for arms named `arms` with the control at `control`, computing the
  /// curves and tests on up to `threads` threads (the same result for any number).
  public init(_ survival: Measurement.Survival, arms: [String], control: Int, alpha: Double, threads: Int = 1) {
    events = survival.events
    days = survival.days
    let days = survival.days
    // Each curve and each test sorts its users (a million a side on a large cohort): they are
    // independent, so they run on every core; each lands in its own slot, so the result is the
    // same whatever the scheduling.
    let treatments = arms.indices.filter { $0 != control }
    let work = Computations(curves: arms.count, tests: treatments.count)
    let tasks = arms.count + treatments.count
    @Sendable func compute(_ k: Int) {
      if k < arms.count {
        work.setCurve(k, KaplanMeier(times: survival.times[k], events: survival.returned[k]))
      } else {
        let a = treatments[k - arms.count]
        let groups = [
          (times: survival.times[control], events: survival.returned[control]),
          (times: survival.times[a], events: survival.returned[a]),
        ]
        let returns = groups.reduce(0) { $0 + $1.events.reduce(0) { $0 + ($1 ? 1 : 0) } }
        if returns > 0, !groups[0].times.isEmpty, !groups[1].times.isEmpty {
          work.setTest(k - arms.count, LogRankTest(groups: groups))
        }
      }
    }
    if threads > 1 {
      DispatchQueue.concurrentPerform(iterations: tasks) { compute($0) }
    } else {
      for k in 0..<tasks { compute(k) }
    }
    let (estimators, logRanks) = work.results
    curves = arms.indices.map { a in
      let km = estimators[a]
      let points = Self.readDays.filter { $0 <= days }.map { day in
        let s = km.survival(at: day)
        let band = km.logLogInterval(at: day, alpha: alpha).map { (1 - $0.upper, 1 - $0.lower) }
        let atRisk = survival.times[a].reduce(0) { $0 + ($1 >= day ? 1 : 0) }
        return Point(day: day, atRisk: atRisk, returned: 1 - s, band: band)
      }
      return Curve(
        arm: arms[a], users: survival.times[a].count,
        returns: survival.returned[a].reduce(0) { $0 + ($1 ? 1 : 0) }, points: points)
    }
    tests = treatments.enumerated().map { j, a in
      guard let test = logRanks[j] else {
        return (arms[a], .notComputable("no returns were observed in these two arms"))
      }
      switch (test.chiSquare, test.pValue) {
      case (.value(let chiSquare), .value(let p)):
        return (
          arms[a],
          .value(Test(arm: arms[a], chiSquare: chiSquare, degreesOfFreedom: test.degreesOfFreedom, pValue: p)))
      case (.notComputable(let reason), _), (_, .notComputable(let reason)):
        return (arms[a], .notComputable(reason))
      }
    }
  }
}

/// The curves and tests of `SurvivalSummary`, computed concurrently, each into its own slot.
private final class Computations: Sendable {
  private let slots: Locked<(curves: [KaplanMeier?], tests: [LogRankTest?])>

  init(curves: Int, tests: Int) {
    slots = Locked((Array(repeating: nil, count: curves), Array(repeating: nil, count: tests)))
  }

  func setCurve(_ k: Int, _ curve: KaplanMeier) { slots.withLock { $0.curves[k] = curve } }
  func setTest(_ k: Int, _ test: LogRankTest) { slots.withLock { $0.tests[k] = test } }

  /// Every curve (all set by then) and each test, nil where there was nothing to compare.
  var results: ([KaplanMeier], [LogRankTest?]) { slots.withLock { ($0.curves.map { $0! }, $0.tests) } }
}
