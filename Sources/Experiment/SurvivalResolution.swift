import Ingest

/// The grid on which the return curves count follow-up time, the same for the file path and
/// the warehouse path, so that both give the same curves and tests and a warehouse returns a
/// bounded number of survival rows whatever the number of users.
///
/// A return at t after entry is counted at the end of its step, ⌈t / r⌉·r (at most the
/// follow-up window); a user who has not returned is censored at the start of the step that
/// holds the end of the follow-up, ⌊c / r⌋·r: no one is counted as observed for longer than
/// they were. The step r is the finest of 1, 5, 10, 15 or 30 minutes, 1, 2, 3, 4, 6, 8 or 12
/// hours, or a whole number of days, that keeps arms × 2 × (window / r + 1) ≤ `maximumRows`,
/// so it divides a day and the curves read at whole days (1, 3, 7, …) count every return up
/// to that day exactly. The 3-arm, 30-day default is 5 minutes.
public enum SurvivalResolution {
  /// The most survival rows a warehouse returns (arms × {returned, censored} × steps).
  public static let maximumRows = 100_000

  /// The steps tried, finest first, in microseconds.
  static let steps: [Int64] = [1, 5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720].map { $0 * 60_000_000 }

  /// The step, in microseconds, for `arms` arms followed for `window` microseconds.
  public static func step(arms: Int, window: Int64) -> Int64 {
    let perKind = Int64(maximumRows / (2 * max(1, arms)))
    func fits(_ r: Int64) -> Bool { window / r + 2 <= perKind }
    if let step = steps.first(where: fits) { return step }
    let day = Timestamp.microsecondsPerDay
    var days: Int64 = 1
    while !fits(days * day) { days += 1 }
    return days * day
  }

  /// A return `micros` after entry on the grid: the end of its step, at most `window`.
  public static func returned(_ micros: Int64, step: Int64, window: Int64) -> Int64 {
    let up = micros <= 0 ? 0 : ((micros - 1) / step + 1) * step
    return min(up, window)
  }

  /// A follow-up of `micros` on the grid: the start of its step.
  public static func censored(_ micros: Int64, step: Int64) -> Int64 {
    micros <= 0 ? 0 : micros / step * step
  }
}

extension ExperimentDefinition {
  /// The step of this experiment's return curves (`SurvivalResolution.step`), in microseconds.
  public var survivalStep: Int64 {
    SurvivalResolution.step(arms: arms.count, window: MetricDefinition.micros(days: analysis.survivalDays))
  }
}
