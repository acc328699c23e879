import Experiment
import Testing

/// The return curves' grid: the step divides a day, keeps every experiment's warehouse survival
/// rows within the bound, and puts returns at the end of their step and censorings at its start.
@Suite struct SurvivalResolutionTests {
  static let minute: Int64 = 60_000_000
  static let day: Int64 = 86_400_000_000

  @Test func theDefaultThreeArmThirtyDayExperimentCountsInFiveMinuteSteps() {
    #expect(SurvivalResolution.step(arms: 3, window: 30 * Self.day) == 5 * Self.minute)
    #expect(SurvivalResolution.step(arms: 2, window: 7 * Self.day) == Self.minute)
    #expect(SurvivalResolution.step(arms: 2, window: 365 * Self.day) == 30 * Self.minute)
  }

  @Test(arguments: [1, 2, 3, 5, 10, 40, 100])
  func everyStepBoundsTheRowsAndDividesADay(arms: Int) {
    for days in [1.0, 1.5, 7, 30, 90, 365, 1000, 3650] {
      let window = MetricDefinition.micros(days: days)
      let step = SurvivalResolution.step(arms: arms, window: window)
      // Per arm: {returned, censored} × the grid points 0, step, …, up to the window.
      let rows = arms * 2 * Int(window / step + 1)
      #expect(rows <= SurvivalResolution.maximumRows, "arms \(arms), days \(days): step \(step)")
      #expect(step < Self.day ? Self.day % step == 0 : step % Self.day == 0, "arms \(arms), days \(days): step \(step)")
      if step > Self.minute {
        // The next finer step would not fit: the grid is the finest that does.
        let finer = [1, 5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720].map { Int64($0) * Self.minute } + (1...3650).map { Int64($0) * Self.day }
        let previous = finer.last { $0 < step }!
        #expect(arms * 2 * Int(window / previous + 2) > SurvivalResolution.maximumRows)
      }
    }
  }

  @Test func returnsGoToTheEndOfTheirStepAndCensoringsToItsStart() {
    let step = 5 * Self.minute, window = 30 * Self.day
    #expect(SurvivalResolution.returned(0, step: step, window: window) == 0)
    #expect(SurvivalResolution.returned(1, step: step, window: window) == step)
    #expect(SurvivalResolution.returned(step, step: step, window: window) == step)
    #expect(SurvivalResolution.returned(step + 1, step: step, window: window) == 2 * step)
    // A return in the last step of a window that is not a multiple of the step stays inside it.
    #expect(SurvivalResolution.returned(window - 1, step: 7 * Self.minute, window: window) == window)
    #expect(SurvivalResolution.censored(step - 1, step: step) == 0)
    #expect(SurvivalResolution.censored(step, step: step) == step)
    #expect(SurvivalResolution.censored(7 * Self.day + 4 * Self.minute, step: step) == 7 * Self.day)
    // A return before the end of day 1 is still counted by day 1.
    #expect(SurvivalResolution.returned(Self.day - 1, step: step, window: window) == Self.day)
  }
}
