import Ingest

/// Reads any `SourceSpec` record by record, in file order, handing each to a callback as a
/// `SourceRecord` with its `Extraction` (a record, a rejection with reason, or not an event).
///
/// JSON-lines formats go through `JSONScanner` (no tree per line), CSV formats through
/// `CSVReader`, Klaviyo's JSON:API pages through the tree parser (pages are small documents).
/// `.gz` files and `-` (standard input) work for every format (see `ByteSource`).
struct SourceReader {
  let spec: SourceSpec
  let layout: SourceLayout
  let zone: TimeZoneRule?

  init(spec: SourceSpec, role: EventJoiner.Role) {
    self.spec = spec
    var layout = SourceLayout(spec, role: role)
    if spec.format == .braze, spec.event == nil, let type = Self.brazeEventType(in: spec.path),
      case .field(let fields, _) = layout.event
    {
      // Currents storage files carry their event type in the folder name, not in the record.
      layout.event = .field(fields, fallback: type)
    }
    self.layout = layout
    zone = spec.timeZone.flatMap(TimeZoneRule.init)
  }

  /// `users.messages.email.Send` from `…/event_type=users.messages.email.Send/date=…/x.avro.json`.
  static func brazeEventType(in path: String) -> String? {
    for component in path.split(separator: "/") where component.hasPrefix("event_type=") {
      let name = component.dropFirst("event_type=".count)
      return name.isEmpty ? nil : String(name)
    }
    return nil
  }

  /// Calls `body` with every record. `body` returns false to stop early (inspect).
  func forEachRecord(
    _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    switch spec.format {
    case .holdout, .csv, .customerioCSV, .iterableCSV:
      try CSVSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(body)
    case .klaviyo:
      try KlaviyoSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(body)
    case .jsonl, .customerio, .braze, .iterable, .amplitude, .mixpanel, .segment:
      try readJSONLines(body)
    }
  }

  private func readJSONLines(_ body: (inout SourceRecord, Extraction) throws -> Bool) throws {
    var paths: [[String]] = []
    var dotted: [String] = []
    let extractor = RecordExtractor(layout: layout, zone: zone) { name in
      if let index = dotted.firstIndex(of: name) { return index }
      dotted.append(name)
      paths.append(JSONFieldPaths.split(name))
      return paths.count - 1
    }
    var scanner = JSONScanner(paths: JSONFieldPaths(paths), unwrapsUnions: layout.unwrapsUnions)
    var reader = try LineReader(path: spec.path)
    var record = SourceRecord()
    var sawLine = false
    try reader.forEachLine { (line, bytes) throws -> Bool in
      sawLine = true
      do throws(JSONScanner.Failure) {
        try scanner.scan(bytes)
      } catch {
        record.reset(line: line, idCount: 0)
        switch error {
        case .malformed(let message, let column):
          return try body(&record, .rejected(.malformedJSON, "invalid JSON at column \(column): \(message)"))
        case .invalidUTF8(let column):
          return try body(&record, .rejected(.invalidUTF8, "invalid UTF-8 at column \(column)"))
        }
      }
      let fields = ScannedFields(scanner: scanner, line: bytes)
      let outcome = extractor.extract(fields, line: line, into: &record)
      return try body(&record, outcome)
    }
    if !sawLine { throw IngestError.emptyFile(path: spec.path) }
  }
}

/// The fields of a scanned JSON line.
struct ScannedFields: RecordFields {
  let scanner: JSONScanner
  let line: UnsafeBufferPointer<UInt8>

  func kind(_ slot: Int) -> JSONScanner.Field.Kind {
    guard slot >= 0 else { return .absent }
    let field = scanner.fields[slot]
    if field.kind == .string && field.range.isEmpty { return .absent }
    return field.kind
  }

  func appendText(_ slot: Int, to output: inout [UInt8]) {
    guard slot >= 0 else { return }
    scanner.appendText(slot, of: line, to: &output)
  }
}
