import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// Platform sources joined into a measurement: identities (with a planted collision), event
/// renames, Braze holdout markers checked against the analysed arms, de-duplication across export
/// files, order independence, and experiment-file errors about sources.
@Suite struct SourceJoinTests {
  static let sources = TestPaths.repository("fixtures/sources")

  /// Users 1–3 are recorded in the holdout, 4–6 in the journey; all entered on 2025-03-04 12:00.
  static let cohort = """
    user_id,entered_at,arm
    user-001,2025-03-04T12:00:00Z,holdout
    user-002,2025-03-04T12:00:00Z,holdout
    user-003,2025-03-04T12:00:00Z,holdout
    user-004,2025-03-04T12:00:00Z,journey
    user-005,2025-03-04T12:00:00Z,journey
    user-006,2025-03-04T12:00:00Z,journey

    """

  static func experiment(events: String, messages: String = "") -> String {
    """
    {
      "key": "sources", "as_of": "2025-03-20T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "journey", "weight": 0.5}],
      "inputs": {
        "cohort": "cohort.csv",
        "identities": "\(sources)/identities.csv",
        \(messages.isEmpty ? "" : "\"messages\": \(messages),")
        "events": \(events)
      },
      "exposure": ["users.messages.email.Delivery", "users.messages.sms.Delivery"],
      "metrics": [{"name": "ordered", "kind": "conversion", "event": "order", "window_days": 14}]
    }
    """
  }

  static func measure(_ experimentText: String, files: [String: String] = [:]) throws -> Measurement {
    let scratch = Scratch()
    scratch.write("cohort.csv", cohort)
    for (name, text) in files.sorted(by: { $0.key < $1.key }) { scratch.write(name, text) }
    let path = scratch.write("experiment.json", experimentText)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    return try Measurer(experiment: definition, asOf: definition.asOf!).measure()
  }

  static let amplitude = #"{"path": "\#(sources)/amplitude/export.jsonl", "format": "amplitude", "rename": {"Order Completed": "order"}}"#
  static let braze = #"{"path": "\#(sources)/braze/currents.jsonl", "format": "braze"}"#

  @Test func identitiesRenamesAndPlatformHoldoutMarkersReachTheMeasurement() throws {
    let m = try Self.measure(Self.experiment(events: Self.amplitude, messages: Self.braze))
    // Orders (renamed from "Order Completed"): user-001 in the holdout; user-004 and user-006
    // (the latter through its amplitude_id) in the journey.
    let ordered = try #require(m.metrics.first)
    #expect(ordered.arms.map(\.count) == [3, 3])
    #expect(ordered.arms.map { $0.mean * 3 } == [1, 2])
    // Braze marked user-003 (holdout: right), user-004 and user-006 (journey: wrong).
    let marks = m.findings.platformControl
    #expect(marks.marked == 3)
    #expect(marks.inControlArm == 1)
    #expect(marks.inTreatmentArms == 2)
    #expect(marks.examples == ["user-004 (journey)", "user-006 (journey)"])
    // shared@example.com belongs to user-005 and user-006.
    #expect(m.findings.identityCollisions == 1)
    #expect(m.findings.collisionExamples.first?.contains("shared@example.com") == true)
    let events = try #require(m.files.first { $0.path.hasSuffix("export.jsonl") })
    #expect(events.isBalanced)
    #expect(events[.unresolvedIdentity] == 1)
    #expect(events[.rejected] == 1)
    #expect(events[.duplicate] == 2)
    // One unresolved event in each file (the Braze sample has one too).
    #expect(m.findings.unresolvedExamples.count == 2)
    for file in m.files { #expect(file.isBalanced, "\(file.path)") }
  }

  @Test func duplicatesAcrossExportFilesOfOneFormatAreRemovedAndOrderDoesNotMatter() throws {
    let text = try ByteSink.read(Self.sources + "/amplitude/export.jsonl")
    let lines = try #require(text)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Two overlapping export windows (a backfill repeats the middle), then the same in reverse.
    let first = lines[0..<8].joined(separator: "\n") + "\n"
    let second = lines[4...].joined(separator: "\n")
    let reversed = lines.reversed().joined(separator: "\n")
    func source(_ name: String) -> String {
      #"{"path": "\#(name)", "format": "amplitude", "rename": {"Order Completed": "order"}}"#
    }
    let whole = try Self.measure(Self.experiment(events: Self.amplitude))
    let split = try Self.measure(
      Self.experiment(events: "[\(source("a.jsonl")), \(source("b.jsonl"))]"), files: ["a.jsonl": first, "b.jsonl": second])
    let backwards = try Self.measure(Self.experiment(events: source("r.jsonl")), files: ["r.jsonl": reversed])
    #expect(split.metrics[0].arms == whole.metrics[0].arms)
    #expect(backwards.metrics[0].arms == whole.metrics[0].arms)
    let overlap = split.files.dropFirst(2).reduce(0) { $0 + $1[.duplicate] }
    let wholeDuplicates = whole.files[2][.duplicate]
    // Lines 5–8 are in both files: three are duplicates the second time, and line 7 (a bad
    // $revenue) is rejected in both, because a rejected line never enters the dedup table.
    #expect(overlap == wholeDuplicates + 3)
    #expect(split.files.dropFirst(2).reduce(0) { $0 + $1[.rejected] } == 2)
  }

  @Test func emptyAndMissingSourcesStopWithTheirPath() throws {
    let empty = #"{"path": "empty.jsonl", "format": "segment"}"#
    #expect {
      try Self.measure(Self.experiment(events: empty), files: ["empty.jsonl": "\n  \n"])
    } throws: { error in
      guard case .input(.emptyFile(let path)) = error as? MeasurementError else { return false }
      return path.hasSuffix("empty.jsonl")
    }
    let missing = #"{"path": "nowhere.json.gz", "format": "amplitude"}"#
    #expect {
      try Self.measure(Self.experiment(events: missing))
    } throws: { error in
      guard case .input(.fileNotFound(let path)) = error as? MeasurementError else { return false }
      return path.hasSuffix("nowhere.json.gz")
    }
  }

  @Test func genericFilesWithDifferentKeysKeepSeparateDedupTables() throws {
    let a = "u,e,t,id\nuser-001,order,2025-03-05T00:00:00Z,1\n"
    let b = "u,e,t,ref\nuser-002,order,2025-03-05T00:00:00Z,1\n"
    let c = "u,e,t,id\nuser-003,order,2025-03-05T00:00:00Z,1\n"
    func source(_ name: String, _ key: String) -> String {
      #"{"path": "\#(name)", "format": "csv", "id": "u", "fields": {"event": "e", "time": "t", "dedup": ["\#(key)"]}}"#
    }
    let m = try Self.measure(
      Self.experiment(events: "[\(source("a.csv", "id")), \(source("b.csv", "ref")), \(source("c.csv", "id"))]"),
      files: ["a.csv": a, "b.csv": b, "c.csv": c])
    // b.csv's ref 1 is another id space than a.csv's id 1; c.csv's id 1 repeats a.csv's.
    #expect(m.files.map { $0[.duplicate] } == [0, 0, 0, 0, 1])  // cohort, identities, a, b, c
    #expect(m.findings.conflictExamples == [
      "c.csv:2: id '1' repeats an earlier record with a different user, event, time or value"
    ])
  }

  @Test func iterableLinesWithoutAnEventNameSayHowToFixIt() throws {
    let scratch = Scratch()
    let path = scratch.write("export.jsonl", #"{"email":"ana@example.com","createdAt":"2025-03-04 15:00:00 +00:00"}"# + "\n")
    let records = try SourceScan.records(of: SourceSpec(path: path, format: .iterable))
    guard case .rejected(let reason, let detail) = records.first?.status else {
      Issue.record("not rejected: \(records)")
      return
    }
    #expect(reason == "empty_event")
    #expect(detail.contains("set \"event\" to the export's dataTypeName"))
    var spec = SourceSpec(path: path, format: .iterable)
    spec.event = "emailSend"
    #expect(try SourceScan.records(of: spec).first?.event == "emailSend")
  }

  @Test func anIdentityColumnNamedWithoutAnIdentitiesFileSaysSo() throws {
    let withIdentities = Self.experiment(events: #"{"path": "e.jsonl", "format": "segment", "id": ["anonymousId"], "identity": ["anonymous_id"]}"#)
    let experiment = withIdentities.split(separator: "\n")
      .filter { !$0.contains("\"identities\"") }.joined(separator: "\n")
    #expect {
      try Self.measure(experiment, files: ["e.jsonl": "{}\n"])
    } throws: { error in
      "\(error)".contains("the experiment has no identities file")
    }
  }

  @Test func anIdentityColumnNamedExplicitlyMustExist() throws {
    let events = #"{"path": "\#(Self.sources)/amplitude/export.jsonl", "format": "amplitude", "id": ["user_id", "amplitude_id"], "identity": ["unit", "amplitude"]}"#
    #expect(throws: MeasurementError.self) { try Self.measure(Self.experiment(events: events)) }
    do {
      _ = try Self.measure(Self.experiment(events: events))
    } catch {
      #expect("\(error)".contains("names identity 'amplitude'"))
    }
  }

  @Test(arguments: [
    (#"{"path": "x.jsonl", "format": "kafka"}"#, "unknown format 'kafka'"),
    (#"{"path": "x.jsonl", "format": "jsonl", "fields": {"time": "t", "event": "e"}}"#, "needs 'id'"),
    (#"{"path": "x.jsonl", "format": "jsonl", "id": "u", "fields": {"event": "e"}}"#, "fields.time"),
    (#"{"path": "x.jsonl", "format": "jsonl", "id": "u", "fields": {"time": "t"}}"#, "fields.event"),
    (#"{"path": "x.jsonl", "format": "amplitude", "id": ["a", "b"], "identity": ["unit"]}"#, "one per id field"),
    (#"{"path": "x.jsonl", "format": "mixpanel", "timezone": "Mars/Olympus"}"#, "not a time zone"),
    (#"{"path": "x.jsonl", "format": "csv", "id": "u", "fields": {"time": "t", "event": "e"}, "time_format": "julian"}"#, "unknown time format"),
    (#"{"path": "x.jsonl", "format": "segment", "rename": {"Order Completed": ""}}"#, "must name"),
    (#"{"path": "x.jsonl", "format": "segment", "fields": {"evnt": "x"}}"#, "unknown key"),
    (#"{"path": "", "format": "segment"}"#, "path is empty"),
  ])
  func badSourceDescriptionsNameTheKey(source: String, expected: String) {
    do {
      _ = try Self.measure(Self.experiment(events: source))
      Issue.record("accepted \(source)")
    } catch {
      #expect("\(error)".contains(expected), "\(error)")
      #expect("\(error)".contains("inputs.events"), "\(error)")
    }
  }
}
