import Foundation
import HoldoutCLI
import Ingest
import TestSupport
import Testing

/// The cart-recovery fixture: platform exports (Customer.io webhooks, Amplitude, gzipped) that
/// regenerate exactly from their seed, a report that matches its snapshot, and `holdout inspect`.
@Suite struct CartRecoveryTests {
  static let fixture = TestPaths.repository("fixtures/cart-recovery")

  @Test func theFixtureRegeneratesFromItsSeed() throws {
    let scratch = Scratch()
    let run = CapturedRun([
      "simulate", "--scenario", "cart-recovery", "--users", "6000", "--seed", "11", "--out", scratch.path,
    ])
    #expect(run.status == 0, "\(run.err)")
    for name in ["experiment.json", "cohort.csv", "identities.csv", "messages.jsonl.gz", "events.json.gz", "truth.json"] {
      // Compared decompressed: gzip's bytes may differ between gzip versions, the content not.
      let committed = try ByteSource(path: Self.fixture + "/" + name).readAll(limit: 1 << 30)
      let fresh = try ByteSource(path: scratch.path + "/" + name).readAll(limit: 1 << 30)
      #expect(committed == fresh, "\(name) differs from a fresh simulation")
    }
  }

  @Test func theReportMatchesItsSnapshotAndFindsThePlantedLift() throws {
    let scratch = Scratch()
    let run = CapturedRun(["report", Self.fixture + "/experiment.json", "--out", scratch.path])
    #expect(run.status == 0, "\(run.err)")
    for file in ["report.md", "report.json", "report.html"] {
      expectSnapshot(try #require(scratch.read(file)), path: "reports/cart-recovery/" + file)
    }
    // The journey's nudges raise 3-day recovery; the interval (always valid) must exclude 0.
    let json = try #require(scratch.read("report.json"))
    let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let metrics = try #require(root?["metrics"] as? [[String: Any]])
    let recovered = try #require(metrics.first { $0["name"] as? String == "recovered_3d" })
    let comparisons = try #require(recovered["comparisons"] as? [[String: Any]])
    let absolute = try #require(comparisons.first?["absolute"] as? [String: Any])
    let lower = try #require(absolute["ci_low"] as? Double)
    #expect(lower > 0)
    // Every input row accounted for, anonymous Amplitude events resolved through amplitude_id.
    let data = try #require(root?["data"] as? [String: Any])
    let files = try #require(data["files"] as? [[String: Any]])
    #expect(files.count == 4)
    for file in files { #expect(file["balanced"] as? Bool == true) }
    let identity = try #require(data["identity"] as? [String: Any])
    #expect(identity["collisions"] as? Int == 3)
    #expect(identity["unresolved_events"] as? Int == 0)
  }

  @Test func inspectGuessesTheFormatAndShowsParsedRecords() throws {
    let run = CapturedRun([
      "inspect", Self.fixture + "/events.json.gz", "--rows", "3", "--identities", Self.fixture + "/identities.csv",
    ])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.out.contains("format: amplitude (guessed: event_type with event_time"))
    #expect(run.out.contains("dedup   uuid | $insert_id"))
    #expect(run.out.contains("first 3 records:"))
    #expect(run.out.contains("| 2 | record | cus_6kjfjemk | Order Completed | 2026-08-22T19:21:01.078000Z | 100.68 |"))
  }

  @Test func inspectRefusesWhatItCannotDoWithSysexitsCodes() throws {
    #expect(CapturedRun(["inspect", "-"]).status == 64)  // stdin cannot be read twice to guess
    #expect(CapturedRun(["inspect", Self.fixture + "/nope.jsonl"]).status == 66)
    #expect(CapturedRun(["inspect", Self.fixture + "/cohort.csv", "--format", "parquet"]).status == 64)
    let scratch = Scratch()
    let empty = scratch.write("empty.jsonl", "\n\n")
    let run = CapturedRun(["inspect", empty])
    #expect(run.status == 65)
    #expect(run.err.contains("the file is empty"))
  }
}
