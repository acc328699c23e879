import Experiment
import Ingest
import MeasurementModel

/// Guesses a file's export format from its first record (and, for Braze, its folder name), for
/// `holdout inspect`. A JSON file's first record is its first line, the first element of its
/// top-level array, or its first pretty-printed document (`JSONFraming`). The guess is a starting point shown with its reason; an experiment file
/// always names the format explicitly.
public enum FormatGuesser {
  /// The guessed format and why.
  public struct Guess: Sendable, Equatable {
    /// The format.
    public var format: SourceSpec.Format
    /// The evidence, for display.
    public var reason: String
  }

  private static let probes = [
    "object_type", "metric", "event_id", "event_type", "uuid", "event_time", "amplitude_id", "event",
    "properties.time", "type", "messageId", "eventName", "dataFields", "id", "time", "external_user_id",
    "user_id", "app_group_id", "data", "user",
  ]

  /// Guesses the format of the file at `path` (not standard input: it cannot be read twice).
  public static func guess(path: String) throws(MeasurementError) -> Guess {
    if SourceReader.brazeEventType(in: path) != nil {
      return Guess(format: .braze, reason: "the path has a Braze Currents event_type= folder")
    }
    let head: [UInt8] = try readingInput(path: path) {
      var bytes: [UInt8] = []
      var reader = try LineReader(path: path)
      try reader.forEachLine { _, line in
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        return bytes.count < 1 << 16
      }
      return bytes
    }
    guard let first = head.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
      throw .input(.emptyFile(path: path))
    }
    if head[first] == UInt8(ascii: "{") || head[first] == UInt8(ascii: "[") {
      return guessJSON(head, firstRecord: try firstRecord(path: path, head: head))
    }
    return guessCSV(head)
  }

  /// The first record of a JSON file in any framing: its first line, the first element of its
  /// array, or its first (pretty-printed) document; empty when there is none.
  private static func firstRecord(path: String, head: [UInt8]) throws(MeasurementError) -> [UInt8] {
    try readingInput(path: path) {
      let source = try ByteSource(path: path)
      if try JSONFraming.detect(source).isLineOriented {
        return Array(head[..<(head.firstIndex(of: 0x0A) ?? head.endIndex)])
      }
      var record: [UInt8] = []
      var reader = JSONDocumentReader(source: source)
      try reader.forEachDocument { document in
        if document.issue == nil { record = Array(document.bytes) }
        return false
      }
      return record
    }
  }

  private static func guessJSON(_ head: [UInt8], firstRecord: [UInt8]) -> Guess {
    var scanner = JSONScanner(paths: JSONFieldPaths(probes.map(JSONFieldPaths.split)))
    let parsed = firstRecord.withUnsafeBufferPointer { record -> Bool in
      (try? scanner.scan(record)) != nil
    }
    func has(_ name: String) -> Bool {
      parsed && !scanner.fields[probes.firstIndex(of: name)!].isMissing
    }
    if firstRecord.isEmpty {
      return Guess(format: .jsonl, reason: "no complete first record to guess from (an empty JSON array?); give --format")
    }
    let text = String(decoding: head, as: UTF8.self)
    if !parsed || (has("data") && text.contains("\"relationships\"")) {
      if text.contains("\"relationships\"") {
        return Guess(format: .klaviyo, reason: "a JSON:API document with data[] and relationships (Klaviyo events)")
      }
      return Guess(format: .jsonl, reason: "JSON whose first record is not a complete object; map its fields by hand")
    }
    if has("object_type") && has("metric") {
      return Guess(format: .customerio, reason: "object_type and metric fields (Customer.io reporting webhooks)")
    }
    if has("event_type") && (has("event_time") || has("amplitude_id") || has("uuid")) {
      return Guess(format: .amplitude, reason: "event_type with event_time / amplitude_id (Amplitude export)")
    }
    if has("id") && has("time") && (has("external_user_id") || has("user_id") || has("user") || has("app_group_id")) {
      return Guess(format: .braze, reason: "id, time and Braze user fields (Braze Currents)")
    }
    if has("event") && has("properties.time") {
      return Guess(format: .mixpanel, reason: "event and properties.time (Mixpanel raw export)")
    }
    if has("messageId") && (has("type") || has("event")) {
      return Guess(format: .segment, reason: "messageId and type/event (Segment)")
    }
    if has("eventName") || has("dataFields") {
      return Guess(format: .iterable, reason: "eventName / dataFields (Iterable)")
    }
    return Guess(format: .jsonl, reason: "JSON records of an unknown shape; map their fields with format \"jsonl\"")
  }

  private static func guessCSV(_ head: [UInt8]) -> Guess {
    let lineEnd = head.firstIndex(of: 0x0A) ?? head.endIndex
    let header = String(decoding: head[..<lineEnd], as: UTF8.self)
      .split(separator: ",").map { CSVSourceReader.normalized($0.trimmingCharacters(in: " \"\r\u{FEFF}")) }
    func has(_ name: String) -> Bool { header.contains(name) }
    if has("user_id") && has("event") && has("timestamp") {
      return Guess(format: .holdout, reason: "user_id, event and timestamp columns (Holdout's CSV)")
    }
    if has("delivery_id") && has("type") && header.contains(where: { $0.hasSuffix("_at") }) {
      return Guess(format: .customerioCSV, reason: "Delivery ID, Type and <metric> At columns (Customer.io delivery export)")
    }
    if has("createdat") && (has("messageid") || has("campaignid")) {
      return Guess(format: .iterableCSV, reason: "createdAt with messageId / campaignId (Iterable CSV export)")
    }
    return Guess(format: .csv, reason: "a CSV of an unknown shape; map its columns with format \"csv\"")
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var s = Substring(self)
    while let c = s.first, set.contains(c) { s.removeFirst() }
    while let c = s.last, set.contains(c) { s.removeLast() }
    return String(s)
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
