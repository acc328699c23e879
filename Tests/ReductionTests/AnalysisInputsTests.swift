import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// What the join collects for the statistics: return times for the survival curves, message
/// spend, reached users' sums, and the pooled percentile cap — all checked by hand.
@Suite struct AnalysisInputsTests {
  static let experiment = """
    {
      "key": "tiny", "as_of": "2026-01-21T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
      "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "events.csv"},
      "exposure": ["sms_delivered"],
      "costs": {"sms": 0.25},
      "metrics": [
        {"name": "rev", "kind": "revenue", "event": "order", "window_days": 14, "cap_percentile": 0.5},
        {"name": "ret", "kind": "retention", "event": "session", "day": 1, "window_days": 7, "role": "secondary"}
      ],
      "analysis": {"survival_days": 10}
    }
    """

  static func measure() throws -> Measurement {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", experiment)
    scratch.write("cohort.csv", """
      user_id,entered_at,arm
      u1,2026-01-01T00:00:00Z,holdout
      u2,2026-01-01T00:00:00Z,holdout
      u3,2026-01-01T00:00:00Z,sms
      u4,2026-01-01T00:00:00Z,sms
      u5,2026-01-18T00:00:00Z,sms

      """)
    scratch.write("messages.csv", """
      user_id,event,timestamp,channel
      u3,sms_delivered,2026-01-01T01:00:00Z,sms
      u3,sms_delivered,2026-01-02T01:00:00Z,sms
      u5,sms_delivered,2026-01-18T01:00:00Z,sms

      """)
    scratch.write("events.csv", """
      user_id,event,timestamp,value
      u1,order,2026-01-02T00:00:00Z,10
      u2,order,2026-01-02T00:00:00Z,30
      u3,order,2026-01-02T00:00:00Z,50
      u4,order,2026-01-02T00:00:00Z,70
      u1,session,2026-01-03T12:00:00Z,
      u3,session,2026-01-02T00:00:00Z,
      u3,session,2026-01-05T00:00:00Z,
      u4,session,2026-01-15T00:00:00Z,
      u5,session,2026-01-19T00:00:00Z,

      """)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    return try Measurer(experiment: definition, asOf: definition.asOf!).measure()
  }

  @Test func survivalTimesAreFirstReturnsCensoredAtFollowUp() throws {
    let m = try Self.measure()
    let survival = try #require(m.survival)
    #expect(survival.events == ["session"])
    // holdout: u1 returned at 2.5 days; u2 never (censored at the 10-day horizon).
    #expect(survival.times[0] == [2.5, 10])
    #expect(survival.returned[0] == [true, false])
    // sms: u3 at day 1 (first of two); u4's session on day 14 is past the horizon; u5 entered
    // 3 days before as_of and returned after 1 day.
    #expect(survival.times[1] == [1, 10, 1])
    #expect(survival.returned[1] == [true, false, true])
  }

  @Test func percentileCapIsPooledOverMeasuredUsers() throws {
    let m = try Self.measure()
    let rev = m.metrics[0]
    // Mature users' values 10, 30, 50, 70 (u5 is not mature): the type-7 median is 40.
    #expect(rev.appliedCap == 40)
    #expect(rev.arms[0].sum == 40)  // 10 + 30
    #expect(rev.arms[1].sum == 80)  // 40 + 40
  }

  @Test func spendAndReachedSumsFollowTheMeasuredUsers() throws {
    let m = try Self.measure()
    let rev = m.metrics[0]
    // u3 got two SMS at 0.25; u5's is not counted for a metric that does not measure u5.
    #expect(rev.spend == [0, 0.5])
    #expect(rev.exposedArms[1].count == 1)
    #expect(rev.exposedArms[1].sum == 40)
  }
}
