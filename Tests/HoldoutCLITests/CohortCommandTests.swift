import Foundation
import HoldoutCLI
import TestSupport
import Testing

/// `holdout cohort`: the cohort builds itself from a contact export or the events, weekly, and
/// every candidate is accounted for.
@Suite struct CohortCommandTests {
  static func experiment(entry: String, inputs: String = "") -> String {
    """
    {"key": "wb", "arms": [{"name": "holdout", "weight": 0.2, "control": true}, {"name": "whatsapp", "weight": 0.8}],
     \(inputs)"entry": \(entry)}
    """
  }

  static let entry = """
    {"contacts": {"path": "contacts.csv", "id": "customer_id", "last_purchase": "last_order_at",
      "consent": "opt_in", "unsubscribed": "unsubscribed", "phone": "phone"}, "timezone": "Europe/Rome"}
    """

  /// A scratch directory with an experiment and a contact export.
  static func scratch(contacts: String, entry: String = entry) -> (Scratch, String) {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", experiment(entry: entry))
    scratch.write("contacts.csv", "customer_id,last_order_at,opt_in,unsubscribed,phone\n" + contacts)
    return (scratch, path)
  }

  /// Runs `holdout cohort` and decodes its JSON summary.
  static func cohort(_ path: String, asOf: String, out: String, extra: [String] = []) throws -> (CapturedRun, [String: Any]) {
    let run = CapturedRun(["cohort", path, "--as-of", asOf, "--out", out, "--format", "json"] + extra)
    guard run.status == 0 else { return (run, [:]) }
    let object = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any]
    return (run, try #require(object))
  }

  static func notEntered(_ summary: [String: Any]) -> [String: Int] {
    (summary["not_entered"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
  }

  @Test func everyContactGetsOneOutcomeAndTheCountsAddUp() throws {
    let (scratch, path) = Self.scratch(contacts: """
      c1,2026-07-01T10:00:00Z,yes,false,+393331112222
      c2,2026-09-20T10:00:00Z,yes,false,
      c3,2026-03-01,yes,false,
      c4,,yes,false,
      c5,2026-06-01T00:00:00Z,no,false,
      c6,2026-06-01T00:00:00Z,yes,true,
      c1,2026-01-01T00:00:00Z,yes,false,
      c7,n/a,yes,false,
      c8,2026-11-01T00:00:00Z,yes,false,
      c9,2026-06-01T00:00:00Z,maybe,false,
      ,2026-06-01T00:00:00Z,yes,false,
      c10,2026-06-01T00:00:00Z,yes,false,+39 333 111 2233,extra

      """)
    let (run, summary) = try Self.cohort(path, asOf: "2026-10-05", out: scratch.path + "/cohort.csv")
    #expect(run.status == 0, "\(run.err)")
    #expect(summary["candidates"] as? Int == 12)
    #expect(summary["entered"] as? Int == 2)  // c1 (96 days), c3 (218 days)
    #expect(Self.notEntered(summary) == [
      "duplicate_contact": 1, "never_purchased": 1, "no_consent": 1, "unsubscribed": 1, "unparsable_last_purchase": 1,
      "purchase_after_as_of": 1, "purchased_recently": 1, "rejected": 3,
    ])
    let examples = summary["examples"] as? [String] ?? []
    #expect(examples.contains("contacts.csv:9: last purchase 'n/a' is not a timestamp (ISO-8601 or Unix epoch seconds/milliseconds/microseconds)"), "\(examples)")
    let cohort = try #require(scratch.read("cohort.csv"))
    let lines = cohort.split(separator: "\n")
    #expect(lines[0] == "user_id,entered_at,arm,segment,bucket,last_purchase_at,days_inactive,phone")
    // Entry at local midnight in Rome (22:00 UTC the day before), the first c1 row kept.
    #expect(lines[1].hasPrefix("c1,2026-10-04T22:00:00Z,"), "\(lines[1])")
    #expect(lines[1].hasSuffix(",lapsed_90,\(lines[1].split(separator: ",")[4]),2026-07-01T10:00:00Z,96,+393331112222"))
    #expect(lines[2].contains(",lapsed_180,") && lines[2].contains(",2026-02-28T23:00:00Z,218,"), "\(lines[2])")
  }

  /// `entry.contacts.copy` carries contact attributes into the cohort, so a report can segment
  /// by them (a cohort built without them failed "missing column 'tier'").
  @Test func copiedContactColumnsReachTheCohortAndTheReportSegmentsByThem() throws {
    let scratch = Scratch()
    let entry = """
      {"contacts": {"path": "contacts.csv", "id": "customer_id", "last_purchase": "last_order_at", "copy": ["tier"]},
       "timezone": "UTC", "segments": [30]}
      """
    let experiment = scratch.write("experiment.json", """
      {"key": "wb", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
       "inputs": {"cohort": "cohort.csv", "events": "events.csv"}, "as_of": "2026-11-01",
       "metrics": [{"name": "orders", "kind": "conversion", "event": "order", "window_days": 7}],
       "segments": ["tier"], "entry": \(entry)}
      """)
    var contacts = "customer_id,last_order_at,tier\n"
    for i in 0..<40 { contacts += "c\(i),2026-08-01,\(i % 2 == 0 ? "gold" : "silver")\n" }
    scratch.write("contacts.csv", contacts)
    scratch.write("events.csv", "user_id,event,timestamp\nc1,order,2026-10-03T00:00:00Z\n")
    let (run, summary) = try Self.cohort(experiment, asOf: "2026-10-01", out: scratch.path + "/cohort.csv")
    #expect(run.status == 0, "\(run.err)")
    #expect(summary["entered"] as? Int == 40)
    let cohort = try #require(scratch.read("cohort.csv")).split(separator: "\n")
    #expect(cohort[0] == "user_id,entered_at,arm,segment,bucket,last_purchase_at,days_inactive,tier")
    #expect(cohort.dropFirst().allSatisfy { $0.hasSuffix(",gold") || $0.hasSuffix(",silver") })
    let report = CapturedRun(["report", experiment, "--format", "md"])
    #expect(report.status == 0, "\(report.err)")
    #expect(report.out.contains("`tier` = `gold`"), "\(report.out.suffix(800))")
    // A cohort column of Holdout's own cannot be copied over.
    let clash = scratch.write("clash.json", try #require(scratch.read("experiment.json")).replacingOccurrences(of: "[\"tier\"]}", with: "[\"arm\"]}"))
    let refused = CapturedRun(["cohort", clash, "--as-of", "2026-10-01", "--out", scratch.path + "/other.csv"])
    #expect(refused.status == 65)
    #expect(refused.err.contains("'arm' is one of the cohort's own columns"), "\(refused.err)")
  }

  @Test func strictStopsAtTheFirstUnparsableDateNamingFileAndLine() {
    let (scratch, path) = Self.scratch(contacts: "c1,2026-07-01T10:00:00Z,yes,false,\nc2,soon,yes,false,\n")
    let run = CapturedRun(["cohort", path, "--as-of", "2026-10-05", "--out", scratch.path + "/cohort.csv", "--strict"])
    #expect(run.status == 65)
    #expect(run.err.contains("contacts.csv:3: last purchase 'soon' is not a timestamp"), "\(run.err)")
    #expect(scratch.read("cohort.csv") == nil)
  }

  @Test func inactivityIsCountedInLocalDaysSoLateEveningPurchasesBelongToTheirDay() throws {
    // T = 2026-09-04 local (Rome, UTC+2). 23:30 local on 2026-07-06 is 60 local days before T;
    // 00:30 local on 2026-07-07 (22:30 UTC on the 6th, the same UTC date) is 59.
    let (scratch, path) = Self.scratch(contacts: """
      late,2026-07-06T21:30:00Z,yes,false,
      early,2026-07-06T22:30:00Z,yes,false,
      naive,2026-07-06 23:30:00,yes,false,

      """)
    let (run, summary) = try Self.cohort(path, asOf: "2026-09-04", out: scratch.path + "/cohort.csv")
    #expect(run.status == 0, "\(run.err)")
    let cohort = try #require(scratch.read("cohort.csv"))
    #expect(cohort.contains("\nlate,2026-09-03T22:00:00Z,"), "\(cohort)")
    #expect(cohort.contains(",lapsed_60,") && cohort.contains(",2026-07-06T21:30:00Z,60"))
    // A zone-less time is local: the same instant as `late`.
    #expect(cohort.contains("\nnaive,") && cohort.contains("naive,2026-09-03T22:00:00Z"))
    #expect(!cohort.contains("\nearly,"))
    #expect(Self.notEntered(summary) == ["purchased_recently": 1])
  }

  @Test func theWeeklyAppendOnlyAddsNewEntrantsAndIsIdempotent() throws {
    let (scratch, path) = Self.scratch(contacts: """
      c1,2026-07-01T10:00:00Z,yes,false,
      c2,2026-08-08T10:00:00Z,yes,false,

      """)
    let out = scratch.path + "/cohort.csv"
    _ = try Self.cohort(path, asOf: "2026-10-05", out: out)
    let first = try #require(scratch.read("cohort.csv"))
    #expect(first.split(separator: "\n").count == 2)  // header + c1; c2 is 58 days inactive
    let (_, again) = try Self.cohort(path, asOf: "2026-10-05", out: out)
    #expect(scratch.read("cohort.csv") == first, "a repeated run changed the file")
    #expect(Self.notEntered(again) == ["already_in_cohort": 1, "purchased_recently": 1])
    let (_, next) = try Self.cohort(path, asOf: "2026-10-12", out: out)
    let second = try #require(scratch.read("cohort.csv"))
    #expect(second.hasPrefix(first), "earlier rows changed")
    #expect(second.split(separator: "\n").count == 3)
    #expect(second.split(separator: "\n")[2].hasPrefix("c2,2026-10-11T22:00:00Z,"))
    #expect(next["entered"] as? Int == 1)
  }

  @Test func reentryKeepsTheArm() throws {
    let entry = Self.entry.replacingOccurrences(of: "\"timezone\"", with: "\"reentry_days\": 30, \"timezone\"")
    let (scratch, path) = Self.scratch(contacts: "c1,2026-07-01T10:00:00Z,yes,false,\n", entry: entry)
    let out = scratch.path + "/cohort.csv"
    _ = try Self.cohort(path, asOf: "2026-10-05", out: out)
    let (_, soon) = try Self.cohort(path, asOf: "2026-10-19", out: out)
    #expect(Self.notEntered(soon) == ["already_in_cohort": 1])
    let (_, later) = try Self.cohort(path, asOf: "2026-11-09", out: out)
    #expect(later["reentered"] as? Int == 1)
    let rows = try #require(scratch.read("cohort.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    #expect(rows.count == 2)
    #expect(rows[0][2] == rows[1][2] && rows[0][4] == rows[1][4], "arm and bucket must not change: \(rows)")
  }

  @Test func thresholdEntryTimeIsTheLocalMidnightTheUserCrossedTheLowestThreshold() throws {
    let entry = Self.entry.replacingOccurrences(of: "\"timezone\"", with: "\"entry_time\": \"threshold\", \"timezone\"")
    // Last order 2026-07-01 local; 60 days later is 2026-08-30, local midnight 22:00 UTC the day before.
    let (scratch, path) = Self.scratch(contacts: "c1,2026-07-01T10:00:00Z,yes,false,\n", entry: entry)
    _ = try Self.cohort(path, asOf: "2026-10-05", out: scratch.path + "/cohort.csv")
    #expect(try #require(scratch.read("cohort.csv")).contains("\nc1,2026-08-29T22:00:00Z,"))
  }

  @Test func thresholdsThatDoNotIncreaseAreRefused() {
    let entry = Self.entry.replacingOccurrences(of: "\"timezone\"", with: "\"segments\": [90, 60], \"timezone\"")
    let (scratch, path) = Self.scratch(contacts: "", entry: entry)
    let run = CapturedRun(["cohort", path, "--as-of", "2026-10-05", "--out", scratch.path + "/c.csv"])
    #expect(run.status == 65)
    #expect(run.err.contains("'entry.segments[1]': thresholds must increase: 60 days follows 90"), "\(run.err)")
  }

  @Test func aPreviousCohortOfAnotherExperimentIsRefused() throws {
    let (scratch, path) = Self.scratch(contacts: "c1,2026-07-01T10:00:00Z,yes,false,\nc2,2026-06-01T10:00:00Z,yes,false,\n")
    let out = scratch.path + "/cohort.csv"
    _ = try Self.cohort(path, asOf: "2026-10-05", out: out)
    let before = try #require(scratch.read("cohort.csv"))
    let other = Self.experiment(entry: Self.entry).replacingOccurrences(of: "\"key\": \"wb\"", with: "\"key\": \"wb\", \"salt\": \"another\"")
    let otherPath = scratch.write("other.json", other)
    let run = CapturedRun(["cohort", otherPath, "--as-of", "2026-10-12", "--out", out])
    #expect(run.status == 65)
    #expect(run.err.contains("cohort.csv:2: user c1 has bucket"), "\(run.err)")
    #expect(run.err.contains("built for another experiment, salt or split"), "\(run.err)")
    #expect(scratch.read("cohort.csv") == before)
  }

  @Test func theEventsSourceFindsEachUsersLastOrderBeforeT() throws {
    let scratch = Scratch()
    let inputs = "\"inputs\": {\"cohort\": \"cohort.csv\", \"events\": \"events.csv\"}, "
    let path = scratch.write("experiment.json", Self.experiment(entry: "{\"events\": [\"order\"]}", inputs: inputs))
    scratch.write("events.csv", """
      user_id,event,timestamp,value
      u1,order,2026-05-01T00:00:00Z,10
      u1,session,2026-09-30T00:00:00Z,
      u2,order,2026-09-01T00:00:00Z,10
      u2,order,2026-06-01T00:00:00Z,10
      u3,session,2026-06-01T00:00:00Z,
      u4,order,2026-06-01T00:00:00Z,10
      u4,order,2026-10-20T00:00:00Z,10

      """)
    let (run, summary) = try Self.cohort(path, asOf: "2026-10-05", out: scratch.path + "/cohort.csv")
    #expect(run.status == 0, "\(run.err)")
    #expect(summary["entered"] as? Int == 2)  // u1 (157 days), u4 (126 days; its later order is after T)
    #expect(Self.notEntered(summary) == ["never_purchased": 1, "purchased_recently": 1])
    let cohort = try #require(scratch.read("cohort.csv"))
    #expect(cohort.contains("\nu1,") && cohort.contains("\nu4,") && cohort.contains(",2026-06-01T00:00:00Z,126"))
  }

  @Test func jsonLinesContactsWithDottedPaths() throws {
    let scratch = Scratch()
    let entry = """
      {"contacts": {"path": "contacts.jsonl", "id": "id", "last_purchase": "stats.last_order", "consent": "consent.whatsapp"}}
      """
    let path = scratch.write("experiment.json", Self.experiment(entry: entry))
    scratch.write("contacts.jsonl", """
      {"id": "a", "stats": {"last_order": "2026-06-01T00:00:00Z"}, "consent": {"whatsapp": true}}
      {"id": 42, "stats": {"last_order": 1780272000}, "consent": {"whatsapp": true}}
      {"id": "c", "stats": {"last_order": "2026-06-01T00:00:00Z"}, "consent": {"whatsapp": false}}
      {"id": "d", "stats": {"last_order": "2026-06-01T00:00:00Z"
      """)
    let (run, summary) = try Self.cohort(path, asOf: "2026-10-05", out: scratch.path + "/cohort.csv")
    #expect(run.status == 0, "\(run.err)")
    #expect(summary["entered"] as? Int == 2)
    #expect(Self.notEntered(summary) == ["no_consent": 1, "rejected": 1])
    #expect(try #require(scratch.read("cohort.csv")).contains("\n42,"))
  }

  // The fixture: four weekly runs from scratch give truth.json's counts (computed by the
  // simulator on its own local days) and the committed cohort, byte for byte.

  @Test func theWhatsAppFixtureRebuildsItsCommittedCohortWeekByWeek() throws {
    let fixture = TestPaths.repository("fixtures/whatsapp-winback")
    let truthData = try #require(FileManager.default.contents(atPath: fixture + "/truth.json"))
    let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
    let weeks = try #require(truth["weeks"] as? [[String: Any]])
    let scratch = Scratch()
    let out = scratch.path + "/cohort.csv"
    for week in weeks {
      let day = try #require(week["as_of"] as? String)
      let (run, summary) = try Self.cohort(
        fixture + "/experiment.json", asOf: day, out: out, extra: ["--contacts", fixture + "/contacts/\(day).csv"])
      #expect(run.status == 0, "\(run.err)")
      let expected = try #require(week["entered"] as? [String: [String: Int]])
      let segments = try #require(summary["segments"] as? [[String: Any]])
      for segment in segments {
        let name = try #require(segment["segment"] as? String)
        #expect(segment["arms"] as? [String: Int] == expected[name], "\(day) \(name)")
      }
      #expect(Self.notEntered(summary) == week["not_entered"] as? [String: Int], "\(day)")
    }
    let committed = try #require(FileManager.default.contents(atPath: fixture + "/cohort.csv"))
    #expect(scratch.read("cohort.csv") == String(decoding: committed, as: UTF8.self))
  }

  @Test func theFixtureRegeneratesFromItsSeed() throws {
    let scratch = Scratch()
    let run = CapturedRun(["simulate", "--scenario", "whatsapp-winback", "--users", "12000", "--seed", "21", "--out", scratch.path])
    #expect(run.status == 0, "\(run.err)")
    let fixture = TestPaths.repository("fixtures/whatsapp-winback")
    for file in ["experiment.json", "orders.csv", "messages.csv", "truth.json", "contacts/2026-09-14.csv", "contacts/2026-10-05.csv"] {
      let committed = try #require(FileManager.default.contents(atPath: fixture + "/" + file))
      #expect(scratch.read(file) == String(decoding: committed, as: UTF8.self), "\(file)")
    }
  }
}
