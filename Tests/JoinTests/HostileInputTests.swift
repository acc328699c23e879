import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// Absurd or contradictory input is counted and explained, never a crash or a silent choice.
@Suite struct HostileInputTests {
  static let experiment = """
    {
      "key": "tiny", "as_of": "2026-03-01T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
      "inputs": {"cohort": "cohort.csv", "events": "events.csv"},
      "metrics": [
        {"name": "rev", "kind": "revenue", "event": "order", "window_days": 14},
        {"name": "rev2", "kind": "revenue", "event": "order", "window_days": 20, "role": "secondary"}
      ],
      "segments": ["tier"]
    }
    """

  static func measure(cohort: String, events: String) throws -> Measurement {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", experiment)
    scratch.write("cohort.csv", cohort)
    scratch.write("events.csv", events)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    return try Measurer(experiment: definition, asOf: definition.asOf!).measure()
  }

  static let cohort = """
    user_id,entered_at,arm,tier
    u1,2026-01-01T00:00:00Z,holdout,a
    u2,2026-01-01T00:00:00Z,sms,a
    u1,2026-01-01T00:00:00Z,holdout,only_on_a_duplicate
    u3,bad-date,sms,only_on_a_rejected_row

    """

  @Test func valuesThatWouldOverflowAUsersTotalAreRejectedWhole() throws {
    let events = """
      user_id,event,timestamp,value,event_id
      u1,order,2026-01-02T00:00:00Z,999999999,e1
      u1,order,2026-01-03T00:00:00Z,2,e2
      u2,order,2026-01-02T00:00:00Z,5000000000,e3
      u2,order,2026-01-02T00:00:00Z,99999999999999999999,e4
      u2,order,2026-01-02T00:00:00Z,7,e5

      """
    let m = try Self.measure(cohort: Self.cohort, events: events)
    let file = m.files[1]
    #expect(file.isBalanced)
    // e2 would take u1 past 10⁹ in both metrics; e3 is beyond the per-row bound; e4 does not
    // even parse as a micro-unit amount.
    #expect(file[.valueOutOfRange] == 2)
    #expect(file[.badNumber] == 1)
    #expect(file[.used] == 2)
    #expect(m.metrics[0].arms[0].sum == 999_999_999)
    #expect(m.metrics[1].arms[0].sum == 999_999_999)
    #expect(m.metrics[0].arms[1].sum == 7)
    let examples = file.examples[Reconciliation.Reason.valueOutOfRange.rawValue]
    #expect(examples.first == "events.csv:3: user 'u1''s total for 'rev' would pass ±1,000,000,000")
  }

  @Test func segmentValuesOfDroppedRowsDoNotBecomeSegments() throws {
    let events = "user_id,event,timestamp,value,event_id\n"
    let m = try Self.measure(cohort: Self.cohort, events: events)
    #expect(m.segments[0].values.map(\.value) == ["a"])
  }

  @Test func aReusedIdWithDifferentContentIsAFindingAndRevenueWithoutValueCountsOncePerRow() throws {
    let events = """
      user_id,event,timestamp,value,event_id
      u1,order,2026-01-02T00:00:00Z,5,e1
      u1,order,2026-01-02T00:00:00Z,5,e1
      u2,order,2026-01-02T00:00:00Z,5,e1
      u2,order,2026-01-02T00:00:00Z,,e2

      """
    let m = try Self.measure(cohort: Self.cohort, events: events)
    #expect(m.files[1][.duplicate] == 2)
    #expect(m.findings.conflictingDuplicates == 1)
    #expect(m.findings.conflictExamples == [
      "events.csv:4: event_id 'e1' repeats an earlier record with a different user, event, time or value"
    ])
    // e2 feeds two revenue metrics but is one row without a value.
    #expect(m.findings.revenueRowsWithoutValue == 1)
  }
}
