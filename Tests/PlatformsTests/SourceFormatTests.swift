import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// Every supported export format, read from its sample in `fixtures/sources/<format>/` and
/// compared with that sample's `expected.json`: an oracle written independently of this code
/// (by hand, checked by `fixtures/sources/check_expected.py`) from the documented shapes in
/// docs/inputs.md: field mapping, UTC times, values, channels, holdout markers, de-duplication,
/// identity resolution through `fixtures/sources/identities.csv` (with a planted collision), and
/// malformed lines with their reasons.
@Suite struct SourceFormatTests {
  static let formats = [
    "customerio", "customerio_csv", "braze", "iterable", "iterable_csv", "klaviyo", "amplitude",
    "mixpanel", "segment", "generic_jsonl", "generic_csv",
  ]

  /// Decodes `source.json` the way an experiment file's `inputs.events` entry is decoded.
  static func spec(_ directory: String) throws -> SourceSpec {
    let source = String(decoding: try ByteSource(path: directory + "/source.json").readAll(), as: UTF8.self)
    let experiment = """
      {"key": "formats", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "t", "weight": 0.5}],
       "inputs": {"cohort": "cohort.csv", "events": \(source)}}
      """
    let root = try JSONNode.parse(Array(experiment.utf8), path: directory + "/experiment.json")
    let definition = try ExperimentFileDecoder.decode(root, path: directory + "/experiment.json", for: .assignment)
    return try #require(definition.inputs?.events.first)
  }

  /// One line per outcome, sortable: what the oracle and the reader are compared on.
  static func lines(_ records: [ScannedRecord]) -> [String] {
    records.map { r in
      switch r.status {
      case .record:
        return "L\(r.line) record user=\(r.user ?? "-") event=\(r.event ?? "-") time=\(r.time.map(Timestamp.format) ?? "-") value=\(r.value.map(Decimal.format) ?? "null") channel=\(r.channel ?? "null") control=\(r.control)"
      case .duplicate(let of, _): return "L\(r.line) duplicate of \(of)"
      case .rejected(let reason, _): return "L\(r.line) rejected \(reason)"
      case .unresolved: return "L\(r.line) unresolved"
      case .ambiguous: return "L\(r.line) ambiguous"
      case .notAnEvent: return "L\(r.line) skipped"
      }
    }.sorted()
  }

  static func expectedLines(_ directory: String) throws -> [String] {
    let bytes = try ByteSource(path: directory + "/expected.json").readAll()
    let root = try JSONNode.parse(bytes, path: directory + "/expected.json")
    func member(_ node: JSONNode, _ key: String) -> JSONNode.Value? {
      guard case .object(let members) = node.value else { return nil }
      return members.first { $0.key == key }?.node.value
    }
    func text(_ value: JSONNode.Value?) -> String {
      switch value {
      case .string(let s): return s
      case .number(let n): return n == n.rounded() ? String(Int(n)) : "\(n)"
      case .bool(let b): return "\(b)"
      default: return "null"
      }
    }
    func list(_ key: String) -> [JSONNode] {
      if case .array(let items) = member(root, key) { return items }
      return []
    }
    var result: [String] = []
    for r in list("records") {
      result.append(
        "L\(text(member(r, "line"))) record user=\(text(member(r, "user"))) event=\(text(member(r, "event"))) time=\(text(member(r, "time"))) value=\(text(member(r, "value"))) channel=\(text(member(r, "channel"))) control=\(text(member(r, "control")))"
      )
    }
    for r in list("duplicates") { result.append("L\(text(member(r, "line"))) duplicate of \(text(member(r, "of")))") }
    for r in list("rejected") { result.append("L\(text(member(r, "line"))) rejected \(text(member(r, "reason")))") }
    for r in list("unresolved") { result.append("L\(text(member(r, "line"))) unresolved") }
    for r in list("ambiguous") { result.append("L\(text(member(r, "line"))) ambiguous") }
    for r in list("skipped") { result.append("L\(text(member(r, "line"))) skipped") }
    return result.sorted()
  }

  @Test(arguments: formats)
  func readsTheSampleAsTheOracleSays(format: String) throws {
    let directory = TestPaths.repository("fixtures/sources/" + format)
    let spec = try Self.spec(directory)
    let identities = IdentitiesSpec(path: TestPaths.repository("fixtures/sources/identities.csv"))
    let records = try SourceScan.records(of: spec, identities: identities)
    expectSameText(
      Self.lines(records).joined(separator: "\n") + "\n",
      try Self.expectedLines(directory).joined(separator: "\n") + "\n", "\(format) records")
  }
}
