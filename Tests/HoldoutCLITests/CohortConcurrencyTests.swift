import Dispatch
import Foundation
import TestSupport
import Testing

/// Two `holdout cohort` runs on one cohort file at once take turns (`CohortLock`): no run's
/// entrants are lost and no user is appended twice, whatever the timing. Without the lock, two
/// runs on halves of one contact export left 2,189 of the 4,291 lines a sequential pair writes
/// (measured with the previous build, three of three trials). Real processes, started together.
@Suite(.enabled(if: ChildRun.binaryExists, "needs the built binary .build/debug/holdout (run swift build)"))
struct CohortConcurrencyTests {
  static let fixture = TestPaths.repository("fixtures/whatsapp-winback")

  /// The contact export of 2026-09-14 split into two halves with no user in common.
  static func halves(in scratch: Scratch) throws -> (String, String) {
    let text = try String(contentsOfFile: fixture + "/contacts/2026-09-14.csv", encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    let odd = lines.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    let even = lines.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    return (
      scratch.write("a.csv", ([header] + odd).joined(separator: "\n") + "\n"),
      scratch.write("b.csv", ([header] + even).joined(separator: "\n") + "\n")
    )
  }

  /// Runs `holdout cohort` once per contact file, all at the same moment, into `out`.
  static func together(_ contacts: [String], out: String) -> [ChildRun] {
    let runs = LockedRuns(count: contacts.count)
    DispatchQueue.concurrentPerform(iterations: contacts.count) { k in
      runs.set(k, ChildRun([
        ChildRun.binary, "cohort", fixture + "/experiment.json", "--as-of", "2026-09-14", "--contacts", contacts[k],
        "--out", out,
      ]))
    }
    return runs.all
  }

  @Test func concurrentRunsOnDisjointContactsKeepEveryEntrant() throws {
    let scratch = Scratch()
    let (a, b) = try Self.halves(in: scratch)
    // The reference: the two halves one after the other.
    let sequential = scratch.path + "/sequential.csv"
    for contacts in [a, b] { _ = Self.together([contacts], out: sequential) }
    let expected = Set(try String(contentsOfFile: sequential, encoding: .utf8).split(separator: "\n"))
    #expect(expected.count > 4_000)
    for trial in 0..<3 {
      let out = scratch.path + "/together\(trial).csv"
      let runs = Self.together([a, b], out: out)
      for run in runs { #expect(run.status == 0, "\(run.err)") }
      let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
      #expect(lines.count == expected.count, "trial \(trial): \(lines.count) lines, \(expected.count) expected")
      #expect(Set(lines) == expected, "trial \(trial)")
    }
  }

  @Test func concurrentRunsOnTheSameContactsAppendEachUserOnce() throws {
    let scratch = Scratch()
    let contacts = Self.fixture + "/contacts/2026-09-14.csv"
    let single = scratch.path + "/single.csv"
    _ = Self.together([contacts], out: single)
    let expected = try String(contentsOfFile: single, encoding: .utf8)
    for trial in 0..<3 {
      let out = scratch.path + "/twice\(trial).csv"
      let runs = Self.together([contacts, contacts], out: out)
      for run in runs { #expect(run.status == 0, "\(run.err)") }
      // The second run finds every user already in the cohort: the file is one run's, byte for byte.
      #expect(try String(contentsOfFile: out, encoding: .utf8) == expected, "trial \(trial)")
    }
  }

  @Test func anAsOfEarlierThanTheCohortsLatestEntryIsRefusedUnlessBackfilling() throws {
    let scratch = Scratch()
    let out = scratch.path + "/cohort.csv"
    let experiment = Self.fixture + "/experiment.json"
    let later = ChildRun([
      ChildRun.binary, "cohort", experiment, "--as-of", "2026-09-21", "--contacts", Self.fixture + "/contacts/2026-09-21.csv",
      "--out", out,
    ])
    #expect(later.status == 0, "\(later.err)")
    let before = try String(contentsOfFile: out, encoding: .utf8)
    let earlier = [
      ChildRun.binary, "cohort", experiment, "--as-of", "2026-09-14", "--contacts", Self.fixture + "/contacts/2026-09-14.csv",
      "--out", out,
    ]
    let refused = ChildRun(earlier)
    #expect(refused.status == 65)
    #expect(refused.err.contains("is earlier than the latest entry already in the cohort"), "\(refused.err)")
    #expect(refused.err.contains("--backfill"), "\(refused.err)")
    #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
    let backfilled = ChildRun(earlier + ["--backfill"])
    #expect(backfilled.status == 0, "\(backfilled.err)")
  }
}

/// Results written from concurrent closures.
final class LockedRuns: @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [ChildRun?]
  init(count: Int) { runs = Array(repeating: nil, count: count) }
  func set(_ k: Int, _ run: ChildRun) { lock.lock(); runs[k] = run; lock.unlock() }
  var all: [ChildRun] { lock.lock(); defer { lock.unlock() }; return runs.map { $0! } }
}
