import Foundation
import TestSupport
import Testing

/// `holdout inspect` says how a JSON file's records are framed, and reads arrays and
/// pretty-printed documents record by record.
@Suite struct InspectFramingTests {
  /// A messaging platform's export is inspected as messages unless --role says otherwise (it used
  /// to read "role: events" for a Customer.io messages file).
  @Test func aMessagingPlatformsExportIsInspectedAsMessages() {
    let messages = TestPaths.repository("fixtures/cart-recovery/messages.jsonl.gz")
    let guessed = CapturedRun(["inspect", messages, "--rows", "1"])
    #expect(guessed.out.contains("role: messages (the usual role of customerio exports; --role events reads it the other way)"), "\(guessed.out)")
    let given = CapturedRun(["inspect", messages, "--rows", "1", "--role", "events"])
    #expect(given.out.contains("role: events (given with --role)"), "\(given.out)")
    let events = CapturedRun(["inspect", TestPaths.repository("fixtures/cart-recovery/events.json.gz"), "--rows", "1"])
    #expect(events.out.contains("role: events (the usual role of amplitude exports"), "\(events.out)")
  }

  static let records = [
    #"{"event_type": "users.messages.email.Send", "id": "e1", "external_user_id": "user-001", "time": 1741100400, "note": "a } ] , \" b"}"#,
    #"{"event_type": "users.messages.email.Delivery", "id": "e2", "external_user_id": "user-002", "time": 1741100401}"#,
  ]

  @Test func inspectNamesTheFramingOfEachJSONShape() throws {
    let scratch = Scratch()
    let shapes = [
      ("lines.jsonl", Self.records.joined(separator: "\n") + "\n", "framing: JSON lines", ["| 1 | record |", "| 2 | record |"]),
      ("array.json", "[\n  " + Self.records.joined(separator: ",\n  ") + "\n]\n", "framing: JSON array (one record per element)",
       ["| 2 | record | user-001 |", "| 3 | record | user-002 |"]),
      ("pretty.json", Self.records.map { $0.replacingOccurrences(of: #"", ""#, with: "\",\n  \"") }.joined(separator: "\n"),
       "framing: concatenated JSON documents", ["| 1 | record | user-001 |", "| 5 | record | user-002 |"]),
    ]
    for (name, text, framing, rows) in shapes {
      let path = scratch.write(name, text)
      let run = CapturedRun(["inspect", path])
      #expect(run.status == 0, "\(run.err)")
      #expect(run.out.contains("format: braze (guessed: id, time and Braze user fields"), "\(name)")
      #expect(run.out.contains("\n" + framing + "\n"), "\(name): \(run.out)")
      for row in rows { #expect(run.out.contains(row), "\(name): \(row)\n\(run.out)") }
    }
    // A generic source shows the framing too; a truncated array is a counted rejection.
    let cut = scratch.write("cut.json", "[\n" + Self.records[0] + ",\n" + Self.records[1].dropLast(20))
    let generic = CapturedRun(["inspect", cut, "--format", "jsonl"])
    #expect(generic.out.contains("framing: JSON array (one record per element)"))
    let braze = CapturedRun(["inspect", cut, "--format", "braze", "--summary"])
    #expect(braze.status == 0)
    #expect(braze.out.contains("| rejected: malformed_json | 1 |"))
    #expect(braze.out.contains("| 3 | rejected (malformed_json): the file ends inside this record (truncated export?) |"))
  }
}
