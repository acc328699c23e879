import Testing

@testable import Ingest

/// Braze Currents: files under the schemas of Braze's sample files (`Fixtures/avro/braze/<event>.avsc`:
/// record and field names, namespaces, types and defaults as in the headers of Appboy/currents-examples,
/// whose licence forbids redistribution, so Braze's `doc` and `owner` texts are replaced by
/// neutral ones of the same shape; from
/// `sample-data/Avro/<event>.avro`; the synthetic records are by `make_fixtures.py`), read through
/// `JSONScanner` as the JSON-lines pipeline reads them, with the fields Holdout's Braze format
/// maps (`Sources/Platforms/Formats/Braze.swift`).
@Suite struct AvroBrazeTests {
  static let events = [
    "users.messages.email.Delivery", "users.messages.email.Send", "users.messages.email.Unsubscribe",
    "users.campaigns.EnrollInControl", "users.canvas.Entry", "users.behaviors.Purchase",
    "users.behaviors.app.SessionStart", "users.behaviors.CustomEvent",
  ]

  static let paths = JSONFieldPaths([
    ["id"], ["time"], ["external_user_id"], ["user_id"], ["email_address"], ["in_control_group"], ["price"],
    ["campaign_id"], ["canvas_id"],
  ])

  /// The scanned text of each path per record (nil: absent; "null" for null).
  static func scan(_ event: String) throws -> [[String?]] {
    let text = try AvroFixtures.transcode(named: "braze/\(event).avro")
    var scanner = JSONScanner(paths: paths)
    var rows: [[String?]] = []
    for line in text.split(separator: "\n") {
      let bytes = Array(line.utf8)
      try bytes.withUnsafeBufferPointer { buffer in
        try scanner.scan(buffer)
        rows.append(
          (0..<paths.count).map { k in
            switch scanner.fields[k].kind {
            case .absent: return nil
            case .null: return "null"
            default:
              var out: [UInt8] = []
              scanner.appendText(k, of: buffer, to: &out)
              return String(decoding: out, as: UTF8.self)
            }
          })
      }
    }
    return rows
  }

  @Test(arguments: events) func theSchemaIsBrazesAndTheRecordsCarryItsFields(_ event: String) throws {
    let bytes = try AvroFixtures.bytes("braze/\(event).avro")
    let schemaText = try AvroFixtures.bytes("braze/\(event).avsc")
    let file = try AvroFile(source: ByteSource(bytes: bytes, path: event))
    #expect(Array(file.schemaJSON.utf8) == schemaText)
    #expect(file.codec == .null)
    #expect(file.metadata.map(\.key) == ["avro.schema"])
    guard case .record(let name, let fields) = file.schema.root.kind else {
      Issue.record("not a record")
      return
    }
    #expect(name == "dataexport.S3.inner." + event)
    let time = try #require(fields.first { $0.name == "time" })
    #expect(file.schema.nodes[time.type].kind == .int)  // epoch seconds
    let rows = try Self.scan(event)
    #expect(rows.count == 3)
    for (k, row) in rows.enumerated() {
      #expect(row[0] == "evt-\(event)-\(k)")
      #expect(row[1] == String(1_718_000_000 + 3600 * k))
      #expect(row[2] == "user-\(k)")
      #expect(row[3] == "braze-\(k)")
    }
  }

  @Test func emailEventsCarryTheAddress() throws {
    for event in ["users.messages.email.Delivery", "users.messages.email.Send", "users.messages.email.Unsubscribe"] {
      let rows = try Self.scan(event)
      #expect(rows.map { $0[4] } == ["user0@example.com", "user1@example.com", "user2@example.com"])
      #expect(rows.map { $0[7] } == ["campaign_id-0", "campaign_id-1", "null"])  // nullable, null in the last
    }
  }

  @Test func controlGroupMarkers() throws {
    let entry = try Self.scan("users.canvas.Entry")
    #expect(entry.map { $0[5] } == ["true", "false", "true"])  // in_control_group: a required boolean
    #expect(entry.map { $0[8] } == ["canvas_id-0", "canvas_id-1", "canvas_id-2"])
    let control = try Self.scan("users.campaigns.EnrollInControl")
    #expect(control.map { $0[7] } == ["campaign_id-0", "campaign_id-1", "campaign_id-2"])  // required
    #expect(control.allSatisfy { $0[5] == nil })
  }

  @Test func purchasePriceIsTheFloatsShortestText() throws {
    let rows = try Self.scan("users.behaviors.Purchase")
    #expect(rows.map { $0[6] } == ["19.99", "0.5", "120.0"])
  }
}
