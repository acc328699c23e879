import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// Examples are chosen by a key (smallest user id, then detail, file and line), so the same rows
/// in any order, on any number of threads and in any chunk size give the same examples; only
/// their line numbers follow the file.
@Suite struct ExampleSelectionTests {
  typealias Example = ExampleList.Example

  /// Candidates in key order: ids in byte order (`Z` before `a`, a prefix first, a decomposed
  /// `é` before the precomposed one), ties by detail, then file, then line; no id last.
  static let sorted: [Example] = [
    Example(user: Array("Zoe".utf8), detail: "bad", file: "a.csv", line: 9),
    Example(user: Array("ann".utf8), detail: "bad", file: "a.csv", line: 4),
    Example(user: Array("ann".utf8), detail: "bad", file: "b.csv", line: 1),
    Example(user: Array("ann".utf8), detail: "worse", file: "a.csv", line: 2),
    Example(user: Array("anna".utf8), detail: "bad", file: "a.csv", line: 3),
    Example(user: Array("e\u{301}".utf8), detail: "bad", file: "a.csv", line: 5),
    Example(user: Array("\u{e9}".utf8), detail: "bad", file: "a.csv", line: 6),
    Example(user: nil, detail: "expected 5 fields, found 3", file: "a.csv", line: 8),
    Example(user: nil, detail: "user_id is empty", file: "a.csv", line: 1),
    Example(user: nil, detail: "user_id is empty", file: "a.csv", line: 7),
  ]

  @Test func theListKeepsTheSmallestKeysInOrderWhateverTheOfferOrder() {
    var rng = SplitMix(seed: 1)
    for round in 0..<50 {
      var candidates = Self.sorted
      for i in stride(from: candidates.count - 1, to: 0, by: -1) {
        candidates.swapAt(i, Int(rng.next() % UInt64(i + 1)))
      }
      var whole = ExampleList()
      for example in candidates { whole.offer(example) }
      #expect(whole.examples == Array(Self.sorted.prefix(ExampleList.limit)), "round \(round)")
      // Parts (parallel chunks) merge into the smallest of their union.
      let cut = Int(rng.next() % UInt64(candidates.count + 1))
      var left = ExampleList(), right = ExampleList()
      for example in candidates[..<cut] { left.offer(example) }
      for example in candidates[cut...] { right.offer(example) }
      right.merge(left)
      #expect(right == whole, "round \(round), cut \(cut)")
    }
    var noIDs = ExampleList()
    for example in Self.sorted.reversed() where example.user == nil { noIDs.offer(example) }
    #expect(noIDs.texts == [
      "a.csv:8: expected 5 fields, found 3", "a.csv:1: user_id is empty", "a.csv:7: user_id is empty",
    ])
  }

  /// Users u01…u12 in the cohort; identities give each an email, and `shared@x` to two of them.
  static let cohort = "user_id,entered_at\n" + (1...12).map { "u\(pad($0)),2025-03-04T12:00:00Z" }.joined(separator: "\n") + "\n"
  static let identities =
    "unit,email\n" + (1...12).map { "u\(pad($0)),u\(pad($0))@x" }.joined(separator: "\n") + "\nu01,shared@x\nu02,shared@x\n"

  static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  /// Events with every kind of example, several of each: bad times (with a user id), empty ids,
  /// short rows, unknown and shared aliases, and reused ids with other content.
  static let rows: [String] = {
    var rows: [String] = []
    for n in [9, 3, 11, 5, 1, 7] { rows.append("u\(pad(n)),,order,not-a-time,") }
    for k in 0..<4 { rows.append(",,order,2025-03-05T00:00:0\(k)Z,") }
    rows += ["u01,order", "u02,,order", "u03,,order,2025-03-05T00:00:00Z,,extra"]
    for name in ["zed", "amy", "kim", "bob", "lee"] { rows.append(",\(name)@nowhere,order,2025-03-05T00:00:00Z,") }
    for n in 1...4 { rows.append(",shared@x,order,2025-03-0\(n + 4)T00:00:00Z,") }
    for (n, key) in [(4, "k9"), (6, "k2"), (8, "k7"), (10, "k4")] {
      rows.append("u\(pad(n)),,order,2025-03-05T00:00:00Z,\(key)")
      rows.append("u\(pad(n + 1)),,order,2025-03-05T00:00:00Z,\(key)")
    }
    return rows
  }()

  static func measure(_ rows: [String], threads: Int = 1, chunkSize: Int = 1 << 20) throws -> Measurement {
    let scratch = Scratch()
    scratch.write("cohort.csv", cohort)
    scratch.write("identities.csv", identities)
    scratch.write("events.csv", "user,email,event,time,id\n" + rows.joined(separator: "\n") + "\n")
    let path = scratch.write(
      "experiment.json",
      """
      {
        "key": "examples", "as_of": "2025-03-20T00:00:00Z",
        "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "journey", "weight": 0.5}],
        "inputs": {
          "cohort": "cohort.csv", "identities": {"path": "identities.csv", "unit": "unit"},
          "events": {"path": "events.csv", "format": "csv", "id": ["user", "email"], "identity": ["unit", "email"],
                     "fields": {"event": "event", "time": "time", "dedup": ["id"]}}
        },
        "metrics": [{"name": "ordered", "kind": "conversion", "event": "order", "window_days": 14}]
      }
      """)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    var measurer = Measurer(experiment: definition, asOf: definition.asOf!, threads: threads)
    measurer.chunkSize = chunkSize
    return try measurer.measure()
  }

  /// Every example list of a measurement, with the numbers after `events.csv:` masked.
  static func examples(_ m: Measurement) -> [String] {
    var lists = m.files.flatMap(\.examples)
    lists += [m.findings.conflictExamples, m.findings.unresolvedExamples, m.findings.ambiguousExamples]
    lists.append(m.findings.collisionExamples)
    return lists.map { list in
      list.map { text in
        guard text.hasPrefix("events.csv:"), let colon = text.dropFirst(11).firstIndex(of: ":") else { return text }
        return "events.csv:#" + text[colon...]
      }.joined(separator: " | ")
    }
  }

  @Test func joinExamplesDoNotDependOnRowOrderThreadsOrChunks() throws {
    let reference = try Self.measure(Self.rows)
    let events = try #require(reference.files.last)
    let reason = { (r: Reconciliation.Reason) in events.examples[r.rawValue] }
    // The smallest user ids, whatever their place in the file.
    #expect(reason(.badTimestamp).map { $0.split(separator: ":")[1] } == ["6", "3", "5"])
    #expect(reason(.badTimestamp).first?.hasSuffix("time 'not-a-time' is not a timestamp (ISO-8601 or Unix epoch seconds/milliseconds/microseconds)") == true)
    #expect(reason(.emptyUserID).map { $0.split(separator: ":")[1] } == ["8", "9", "10"])
    #expect(reason(.wrongFieldCount) == [
      "events.csv:12: expected 5 fields, found 2", "events.csv:13: expected 5 fields, found 3",
      "events.csv:14: expected 5 fields, found 6",
    ])
    #expect(reference.findings.unresolvedExamples == [
      "events.csv:16: email 'amy@nowhere' is not in the identities file",
      "events.csv:18: email 'bob@nowhere' is not in the identities file",
      "events.csv:17: email 'kim@nowhere' is not in the identities file",
    ])
    #expect(reference.findings.ambiguousExamples.count == 3)
    #expect(reference.findings.conflictingDuplicates == 4)
    #expect(reference.findings.conflictExamples == [
      "events.csv:27: id 'k2' repeats an earlier record with a different user, event, time or value",
      "events.csv:31: id 'k4' repeats an earlier record with a different user, event, time or value",
      "events.csv:29: id 'k7' repeats an earlier record with a different user, event, time or value",
    ])
    #expect(reference.findings.collisionExamples == [
      "identities.csv:15: email 'shared@x' also belongs to another unit (identities.csv:14)"
    ])

    let expected = Self.examples(reference)
    var rng = SplitMix(seed: 3)
    for round in 0..<6 {
      // A reused id's two rows may swap too: the example names the id, not the row's user.
      var rows = Self.rows
      for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
      let (threads, chunk) = [(1, 1 << 20), (2, 64), (3, 100)][round % 3]
      let shuffled = try Self.measure(rows, threads: threads, chunkSize: chunk)
      #expect(Self.examples(shuffled) == expected, "round \(round)")
      #expect(shuffled.files.map(\.fates) == reference.files.map(\.fates))
    }
  }
}
