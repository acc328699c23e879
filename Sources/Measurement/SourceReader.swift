import Ingest

/// Reads any `SourceSpec` record by record, in file order, handing each to a callback as a
/// `SourceRecord` with its `Extraction` (a record, a rejection with reason, or not an event).
///
/// JSON-lines formats go through `JSONScanner` (no tree per line), CSV formats through
/// `CSVReader`, Klaviyo's JSON:API pages through the tree parser (pages are small documents).
/// `.gz` files and `-` (standard input) work for every format (see `ByteSource`).
struct SourceReader: Sendable {
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
      var reader = try CSVReader(path: spec.path)
      try CSVSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(&reader, header: nil, body)
    case .klaviyo:
      try KlaviyoSourceReader(spec: spec, layout: layout, zone: zone).forEachRecord(body)
    case .jsonl, .customerio, .braze, .iterable, .amplitude, .mixpanel, .segment:
      var reader = try LineReader(path: spec.path)
      if try !readJSONLines(&reader, body) { throw IngestError.emptyFile(path: spec.path) }
    }
  }

  /// True for formats read line by line, which can be cut into chunks and parsed in parallel.
  var isChunkable: Bool { spec.format != .klaviyo }

  /// The CSV header names at the start of the first chunk.
  func csvHeader(_ chunk: ChunkReader.Chunk) throws -> [String] {
    var reader = CSVReader(source: ByteSource(bytes: chunk.bytes, path: spec.path), blockSize: 1 << 16)
    return try reader.readHeader()
  }

  /// Calls `body` with the records of one chunk; line numbers are relative to the chunk unless it
  /// is the first. CSV chunks after the first use `header`. Returns false when the chunk held no
  /// line at all.
  @discardableResult
  func forEachRecord(
    in chunk: ChunkReader.Chunk, header: [String]?, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    let source = ByteSource(bytes: chunk.bytes, path: spec.path)
    let blockSize = max(1 << 16, chunk.bytes.count + 1)
    if spec.format.isCSV {
      var reader = CSVReader(source: source, blockSize: blockSize)
      if chunk.index > 0, let header { reader.assumeHeader(header) }
      try CSVSourceReader(spec: spec, layout: layout, zone: zone)
        .forEachRecord(&reader, header: chunk.index > 0 ? header : nil, body)
      return true
    }
    var reader = LineReader(source: source, blockSize: blockSize, skipsBOM: chunk.index == 0)
    return try readJSONLines(&reader, body)
  }

  /// Reads JSON lines; returns false when there was no line at all.
  private func readJSONLines(
    _ reader: inout LineReader, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    var paths: [[String]] = []
    var dotted: [String] = []
    let extractor = RecordExtractor(layout: layout, zone: zone) { name in
      if let index = dotted.firstIndex(of: name) { return index }
      dotted.append(name)
      paths.append(JSONFieldPaths.split(name))
      return paths.count - 1
    }
    var scanner = JSONScanner(paths: JSONFieldPaths(paths), unwrapsUnions: layout.unwrapsUnions)
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
    return sawLine
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
