import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// `SharedJoin` (`holdout report DIR`): a file several experiments read the same way is read
/// once, and every experiment's measurement is exactly what it gets alone, whatever the order
/// its experiment file lists its sources in and however the de-duplication histories part.
@Suite struct SharedJoinTests {
  /// The winback events split into three files whose event ids overlap: `e2` and `e3` repeat
  /// some of `e1`'s rows (true duplicates) and reuse some of its ids for other rows (conflicts).
  static func splitEvents() throws -> Scratch {
    let text = try #require(Scratch.readFile(TestPaths.repository("fixtures/winback/events.csv")))
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines.removeFirst()
    if lines.last == "" { lines.removeLast() }
    let half = lines.count / 2
    let first = Array(lines[..<half]), second = Array(lines[half...])
    let repeated = stride(from: 0, to: first.count, by: 7).map { first[$0] }
    // Same event id, another time: a conflicting reuse of the key.
    let conflicting = stride(from: 3, to: first.count, by: 11).map {
      first[$0].replacingOccurrences(of: "2026-", with: "2025-")
    }
    let scratch = Scratch()
    func write(_ name: String, _ rows: [String]) { _ = scratch.write(name, ([header] + rows).joined(separator: "\n") + "\n") }
    write("e1.csv", first)
    write("e2.csv", second + repeated + conflicting)
    write("e3.csv", Array(second.prefix(second.count / 2)) + conflicting.reversed() + repeated.prefix(50))
    return scratch
  }

  /// The winback experiment reading `events` (after the winback messages), changed by `change`.
  static func experiment(
    key: String, events: [String], _ change: (inout ExperimentDefinition) -> Void = { _ in }
  ) throws -> ExperimentDefinition {
    var definition = try ExperimentFileDecoder.load(path: TestPaths.repository("fixtures/winback/experiment.json"), for: .report)
    definition.key = key
    definition.inputs!.events = events.map { SourceSpec(path: $0) }
    change(&definition)
    return definition
  }

  static func measurer(_ definition: ExperimentDefinition) -> Measurer {
    var measurer = Measurer(experiment: definition, asOf: definition.asOf!, threads: 2)
    measurer.chunkSize = 1 << 16
    return measurer
  }

  @Test func eachSharedFileIsReadOnceAndEveryExperimentGetsItsOwnResult() throws {
    let dir = try Self.splitEvents()
    let e1 = dir.path + "/e1.csv", e2 = dir.path + "/e2.csv", e3 = dir.path + "/e3.csv"
    let definitions = [
      try Self.experiment(key: "a", events: [e1, e2]),
      // The same files in the same order, another cutoff and fewer metrics: shares every table.
      try Self.experiment(key: "b", events: [e1, e2]) {
        $0.asOf = $0.asOf! - 7 * 86_400_000_000
        $0.metrics.removeLast(2)
      },
      // Parts from a and b after e1: its de-duplication table must be a copy from there.
      try Self.experiment(key: "c", events: [e1, e3]),
      // The opposite order: e2 first, e1 later.
      try Self.experiment(key: "d", events: [e2, e1]),
      // e1 spelled another way, with a rename: the same file, read the same way.
      try Self.experiment(key: "e", events: [dir.path + "/./e1.csv"]) {
        $0.inputs!.events[0].rename = [SourceSpec.Rename(from: "session", to: "order")]
      },
    ]
    let shared = try SharedJoin(definitions.map { Self.measurer($0).joinRequest })
    for (k, definition) in definitions.enumerated() {
      let measurer = Self.measurer(definition)
      let alone = ParallelDeterminismTests.summary(measurer.measurement(of: try measurer.join()))
      let together = ParallelDeterminismTests.summary(measurer.measurement(of: shared.inputs[k]))
      #expect(together == alone, "experiment \(definition.key)")
    }
    let messages = TestPaths.repository("fixtures/winback/messages.csv")
    #expect(
      shared.reads.map { "\($0.role) \($0.path) \($0.experiments)" } == [
        "messages \(messages) [0, 1, 2, 3, 4]", "events \(e1) [0, 1, 2, 4]", "events \(e2) [0, 1, 3]",
        "events \(e3) [2]", "events \(e1) [3]",
      ])
    // The files do exercise de-duplication across files: duplicates and conflicts in e2 after e1.
    let a = Self.measurer(definitions[0]).measurement(of: shared.inputs[0])
    let second = try #require(a.files.first { $0.path == e2 })
    #expect(second[.duplicate] > 1000)
    #expect(a.findings.conflictingDuplicates > 100)
  }

  @Test func aFileListedTwiceInOneExperimentIsStillReadTwiceForIt() throws {
    let dir = try Self.splitEvents()
    let e1 = dir.path + "/e1.csv"
    let definitions = [
      try Self.experiment(key: "a", events: [e1, e1]), try Self.experiment(key: "b", events: [e1]),
    ]
    let shared = try SharedJoin(definitions.map { Self.measurer($0).joinRequest })
    #expect(shared.reads.map(\.experiments) == [[0, 1], [0, 1], [0]])
    for (k, definition) in definitions.enumerated() {
      let measurer = Self.measurer(definition)
      #expect(
        ParallelDeterminismTests.summary(measurer.measurement(of: shared.inputs[k]))
          == ParallelDeterminismTests.summary(measurer.measurement(of: try measurer.join())))
    }
  }
}
