import Experiment
import Foundation
import Ingest
import Join
import Platforms
import TestSupport
import Testing

/// Hive-style `key=value` folder names are fields the mapping can use: a mapped field named like
/// a key reads the folder's value where the record does not carry it, in CSV (even without the
/// column) and in JSON; the record's own value wins; the innermost folder wins on a repeated key.
@Suite struct FolderFieldTests {
  static func write(_ scratch: Scratch, _ relative: String, _ text: String) throws {
    let path = scratch.path + "/" + relative
    try FileManager.default.createDirectory(
      atPath: String(path[..<path.lastIndex(of: "/")!]), withIntermediateDirectories: true)
    try Scratch.writeFile(path, text)
  }

  static func described(_ records: [ScannedRecord]) -> [String] {
    records.map { r in
      switch r.status {
      case .record:
        return "\(r.file ?? "-"):\(r.line) \(r.user ?? "-") \(r.event ?? "-") \(r.time.map(Timestamp.format) ?? "-") \(r.channel ?? "null")"
      case .rejected(let reason, _): return "\(r.file ?? "-"):\(r.line) rejected \(reason)"
      default: return "\(r.file ?? "-"):\(r.line) \(r.status)"
      }
    }
  }

  /// A CSV source of `sends/` under `scratch`, its channel a field a folder can give.
  static func sends(_ scratch: Scratch) -> SourceSpec {
    var spec = SourceSpec(path: scratch.path + "/sends", format: .csv)
    spec.ids = [.init(field: "user_id")]
    spec.fields.event = "event"
    spec.fields.time = "timestamp"
    spec.fields.channel = "channel"
    return spec
  }

  @Test func aCSVWithoutTheColumnTakesItFromItsFolder() throws {
    let scratch = Scratch("folder-fields")
    // No channel column at all; the time column is absent from the second folder's file and
    // comes from its `day=` folder, which the mapping names as the time field.
    try Self.write(scratch, "sends/channel=sms/part-0.csv", "user_id,event,timestamp\nu1,delivered,2026-10-01T08:00:00Z\n")
    try Self.write(scratch, "sends/channel=email/part-0.csv", "user_id,event,timestamp\nu2,delivered,2026-10-01T09:00:00Z\nu3,delivered,\n")
    let spec = Self.sends(scratch)
    let records = try SourceScan.records(of: spec, role: "messages")
    #expect(Self.described(records) == [
      "channel=email/part-0.csv:2 u2 delivered 2026-10-01T09:00:00Z email",
      "channel=email/part-0.csv:3 rejected missing_field",
      "channel=sms/part-0.csv:2 u1 delivered 2026-10-01T08:00:00Z sms",
    ])
  }

  /// A parse thread compiles a folder's CSV header once for the files that share it, but uses it
  /// only while the folder values the mapping reads are the same: each file keeps its own channel,
  /// and a file whose columns are in another order is read by its own header.
  @Test func aHeaderCompiledOnceForAFolderStillTakesEachFilesOwnFolderValues() throws {
    let scratch = Scratch("folder-fields")
    try Self.write(scratch, "sends/channel=email/date=01/part-0.csv", "user_id,event,timestamp\nu1,delivered,2026-10-01T01:00:00Z\n")
    try Self.write(scratch, "sends/channel=email/date=02/part-0.csv", "user_id,event,timestamp\nu2,delivered,2026-10-01T02:00:00Z\n")
    try Self.write(scratch, "sends/channel=sms/date=01/part-0.csv", "user_id,event,timestamp\nu3,delivered,2026-10-01T03:00:00Z\n")
    try Self.write(scratch, "sends/channel=sms/date=02/part-0.csv", "timestamp,event,user_id\n2026-10-01T04:00:00Z,opened,u4\n")
    try Self.write(scratch, "sends/channel=sms/date=03/part-0.csv", "user_id,event,timestamp\nu5,delivered,2026-10-01T05:00:00Z\n")
    let spec = Self.sends(scratch)
    let tree = try FileTree(spec.path)
    let cache = CSVHeaderCache()
    var seen: [String] = []
    for file in tree.files {
      let reader = SourceReader(spec: spec, role: .messages, file: file, in: tree)
      _ = try reader.forEachRecordOfWholeFile(limit: 1 << 20, cache: cache) { record, extraction in
        guard case .record = extraction else {
          seen.append("\(file.relative) \(extraction)")
          return true
        }
        seen.append(
          "\(file.relative) \(record.string(record.event)) \(Timestamp.format(record.time)) \(record.channel.map(record.string) ?? "null")")
        return true
      }
    }
    #expect(seen == [
      "channel=email/date=01/part-0.csv delivered 2026-10-01T01:00:00Z email",
      "channel=email/date=02/part-0.csv delivered 2026-10-01T02:00:00Z email",
      "channel=sms/date=01/part-0.csv delivered 2026-10-01T03:00:00Z sms",
      "channel=sms/date=02/part-0.csv opened 2026-10-01T04:00:00Z sms",
      "channel=sms/date=03/part-0.csv delivered 2026-10-01T05:00:00Z sms",
    ])
  }

  @Test func aTimeFolderFillsOnlyTheRowsWithoutATime() throws {
    let scratch = Scratch("folder-fields")
    try Self.write(scratch, "daily/ts=2026-10-02/orders.csv", "user_id,event,value,ts\nu1,order,5,\nu2,order,7,2026-10-03T00:00:00Z\n")
    try Self.write(scratch, "daily/ts=2026-10-04/orders.csv", "user_id,event,value\nu3,order,9\n")
    var spec = SourceSpec(path: scratch.path + "/daily", format: .csv)
    spec.ids = [.init(field: "user_id")]
    spec.fields.event = "event"
    spec.fields.time = "ts"
    spec.fields.value = "value"
    let records = try SourceScan.records(of: spec)
    #expect(Self.described(records) == [
      "ts=2026-10-02/orders.csv:2 u1 order 2026-10-02T00:00:00Z null",
      "ts=2026-10-02/orders.csv:3 u2 order 2026-10-03T00:00:00Z null",
      "ts=2026-10-04/orders.csv:2 u3 order 2026-10-04T00:00:00Z null",
    ])
    #expect(records.map(\.value) == [5_000_000, 7_000_000, 9_000_000])
  }

  @Test func jsonRecordsKeepTheirOwnValueAndTheInnermostFolderWins() throws {
    let scratch = Scratch("folder-fields")
    try Self.write(
      scratch, "events/channel=push/x/channel=sms/part.jsonl",
      """
      {"user_id": "u1", "event": "delivered", "time": "2026-10-01T00:00:00Z"}
      {"user_id": "u2", "event": "delivered", "time": "2026-10-01T00:00:01Z", "channel": "email"}
      {"user_id": "u3", "event": "delivered", "time": "2026-10-01T00:00:02Z", "channel": null}

      """)
    var spec = SourceSpec(path: scratch.path + "/events/**/*.jsonl", format: .jsonl)
    spec.ids = [.init(field: "user_id")]
    spec.fields.event = "event"
    spec.fields.time = "time"
    spec.fields.channel = "channel"
    let records = try SourceScan.records(of: spec, role: "messages")
    #expect(records.map(\.channel) == ["sms", "email", "sms"])
  }

  @Test func aFolderKeyTheMappingDoesNotNameChangesNothing() throws {
    let scratch = Scratch("folder-fields")
    try Self.write(scratch, "plain/channel=sms/part.csv", "user_id,event,timestamp\nu1,delivered,2026-10-01T08:00:00Z\n")
    var spec = SourceSpec(path: scratch.path + "/plain", format: .csv)
    spec.ids = [.init(field: "user_id")]
    spec.fields.event = "event"
    spec.fields.time = "timestamp"
    let records = try SourceScan.records(of: spec, role: "messages")
    #expect(records.map(\.channel) == [nil])
    // Without the folder the missing column is still an error naming it.
    spec.fields.channel = "medium"
    #expect(try SourceScan.records(of: spec, role: "messages").map(\.channel) == [nil])
    spec.fields.time = "sent_at"
    #expect(throws: (any Error).self) { try SourceScan.records(of: spec, role: "messages") }
  }
}
