import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Statistics
import TestSupport
import Testing

/// The join on a tiny hand-made experiment whose every number can be checked by hand.
@Suite struct HandCheckedJoinTests {
  static let experiment = """
    {
      "key": "tiny", "as_of": "2026-03-01T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
      "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "events.csv"},
      "exposure": ["sms_delivered"],
      "metrics": [
        {"name": "conv", "kind": "conversion", "event": "order", "window_days": 14},
        {"name": "rev", "kind": "revenue", "event": "order", "window_days": 14, "role": "secondary", "cap": 100},
        {"name": "ret", "kind": "retention", "event": "session", "day": 7, "window_days": 7, "role": "secondary"}
      ],
      "segments": ["tier"]
    }
    """

  /// u1 and u2 holdout, u3 and u4 sms (recorded); u5 entered after as_of; u4 is young.
  static let cohort = """
    user_id,entered_at,arm,tier
    u1,2026-01-01T00:00:00Z,holdout,a
    u2,2026-01-01T00:00:00Z,holdout,b
    u3,2026-01-01T00:00:00Z,sms,a
    u4,2026-02-20T00:00:00Z,sms,b
    u1,2026-01-05T00:00:00Z,holdout,a
    u5,2026-03-02T00:00:00Z,sms,a
    u6,not-a-date,sms,a
    u7,2026-01-01T00:00:00Z,email,a

    """

  static let events = """
    user_id,event,timestamp,value,event_id
    u1,order,2026-01-14T23:59:59Z,30.00,e1
    u1,order,2026-01-15T00:00:00Z,99.00,e2
    u3,order,2026-01-02T00:00:00Z,80.00,e3
    u3,order,2026-01-03T00:00:00Z,70.50,e4
    u3,order,2026-01-03T00:00:00Z,70.50,e4
    u3,order,2025-12-25T00:00:00Z,12.00,e5
    u3,session,2026-01-08T00:00:00Z,,e6
    u2,session,2026-01-14T23:00:00Z,,e7
    u4,order,2026-02-21T00:00:00Z,5,e8
    u9,order,2026-01-02T00:00:00Z,5,e9
    u5,order,2026-03-01T00:00:00Z,5,e10
    u1,pageview,2026-01-02T00:00:00Z,,e11
    u1,order,2026-01-02T00:00:00Z,abc,e12
    u1,order,2026-01-02T00:00:00Z,1
    ,order,2026-01-02T00:00:00Z,1,e14
    u1,order,2026-05-02T00:00:00Z,1,e15

    """

  static let messages = """
    user_id,event,timestamp,channel,campaign,message_id
    u3,sms_delivered,2026-01-01T01:00:00Z,sms,wb,m1
    u3,sms_delivered,2026-01-01T01:00:00Z,sms,wb,m1
    u4,sms_delivered,2026-02-19T01:00:00Z,sms,wb,m2
    u1,sms_delivered,2026-01-02T00:00:00Z,sms,other,m3
    u3,sms_clicked,2026-01-01T02:00:00Z,sms,wb,m1

    """

  static func measure(strict: Bool = false) throws -> Measurement {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", experiment)
    scratch.write("cohort.csv", cohort)
    scratch.write("events.csv", events)
    scratch.write("messages.csv", messages)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    return try Measurer(experiment: definition, asOf: definition.asOf!, strict: strict).measure()
  }

  @Test func cohortRulesAndRecordedSplit() throws {
    let m = try Self.measure()
    #expect(m.users == [2, 2])
    let cohort = m.files[0]
    #expect(cohort[.used] == 4)
    #expect(cohort[.duplicateUser] == 1)
    #expect(cohort[.enteredAfterAsOf] == 1)
    #expect(cohort[.badTimestamp] == 1)
    #expect(cohort[.unknownArm] == 1)
    #expect(cohort.rowsRead == 8)
    #expect(m.split.isRecorded)
    #expect(m.split.agreements + m.split.disagreements == 5)
  }

  @Test func windowsAreHalfOpenAndPrePeriodIsMeasured() throws {
    let m = try Self.measure()
    let conv = m.metrics[0]
    // u1 ordered at t0 + 14 d − 1 s (inside); the order at exactly t0 + 14 d is outside.
    // u4 entered 9 days before as_of: its 14-day window is open, so it is not yet measured.
    #expect(conv.arms[0].count == 2)
    #expect(conv.arms[0].sum == 1)
    #expect(conv.arms[1].count == 1)
    #expect(conv.arms[1].sum == 1)
    #expect(conv.openWindows == [0, 1])
    // Revenue: u3 has 80 + 70.50 = 150.50 (the duplicate e4 is dropped), capped at 100;
    // its pre-period order of 12.00 (7 days before entry) is the covariate.
    let rev = m.metrics[1]
    expectClose(rev.arms[1].sum, 100, relative: 1e-15)
    expectClose(rev.arms[1].preSum, 12, relative: 1e-15)
    expectClose(rev.arms[0].sum, 30, relative: 1e-15)
  }

  @Test func retentionCountsOnlyMatureUsersInTheirWindow() throws {
    let m = try Self.measure()
    let ret = m.metrics[2]
    // Window [t0 + 7 d, t0 + 14 d): u3's session on day 7 counts, u2's on day 13.96 counts.
    #expect(ret.arms[0].count == 2)
    #expect(ret.arms[0].sum == 1)
    #expect(ret.arms[1].count == 1)
    #expect(ret.arms[1].sum == 1)
  }

  @Test func everyEventRowIsAccountedFor() throws {
    let m = try Self.measure()
    let events = m.files[2]
    #expect(events.rowsRead == 16)
    #expect(events.isBalanced)
    #expect(events[.duplicate] == 1)
    #expect(events[.userNotInCohort] == 1)
    #expect(events[.userNotAnalysed] == 0)
    #expect(events[.afterAsOf] == 2)
    #expect(events[.eventNotMeasured] == 1)
    #expect(events[.badNumber] == 1)
    #expect(events[.wrongFieldCount] == 1)
    #expect(events[.emptyUserID] == 1)
    #expect(events[.outsideWindows] == 1)
    #expect(events[.used] == 7)
    #expect(events.examples[Reconciliation.Reason.badNumber.rawValue] == ["events.csv:14: value 'abc' is not a number"])
  }

  @Test func exposureIsFirstDeliveryAtOrAfterEntry() throws {
    let m = try Self.measure()
    // u3 reached; u4's delivery predates entry; u1 (holdout) got another campaign's SMS.
    #expect(m.exposure.exposed == [1, 1])
    #expect(m.findings.exposuresBeforeEntry == 1)
    let messages = m.files[1]
    #expect(messages[.duplicate] == 1)
    #expect(messages[.eventNotMeasured] == 1)
    #expect(messages.isBalanced)
  }

  @Test func segmentsSplitTheSameSums() throws {
    let m = try Self.measure()
    let tier = try #require(m.segments.first)
    #expect(tier.values.map(\.value) == ["a", "b"])
    #expect(tier.values.map(\.users) == [[1, 1], [1, 1]])
    let total = tier.values.reduce(0.0) { $0 + $1.metrics[1][1].sum }
    expectClose(total, m.metrics[1].arms[1].sum, relative: 1e-15)
  }

  @Test func strictStopsAtTheFirstRejectedRow() {
    do {
      _ = try Self.measure(strict: true)
      Issue.record("expected a strict rejection")
    } catch let error as MeasurementError {
      #expect(error.description.contains("cohort.csv:8: entered_at 'not-a-date' is not a timestamp"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
