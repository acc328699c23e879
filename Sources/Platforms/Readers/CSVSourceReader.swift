import Experiment
import Ingest
import MeasurementModel

/// Reads CSV sources: Holdout's own files, generic mapped CSV, Iterable's CSV export, and
/// Customer.io's delivery export (one row per delivery with a `<metric> At` time column per
/// metric, each non-empty cell one record `<type>_<metric>`).
///
/// Header names match case-insensitively with spaces read as underscores (`Delivered At` =
/// `delivered_at`). A row with broken quotes or the wrong number of fields is one rejection,
/// however many records it would have held.
package struct CSVSourceReader {
  package let spec: SourceSpec
  package let layout: SourceLayout
  package let zone: TimeZoneRule?

  package static func normalized(_ name: String) -> String {
    String(name.lowercased().map { $0 == " " ? "_" : $0 })
  }

  /// Reads `reader`'s records; its header is read first unless `given` (a later chunk).
  /// A header compiled once for the files of a folder is taken from `cache` (`CSVHeaderCache`).
  package func forEachRecord(
    _ reader: inout CSVReader, header given: [String]?, cache: CSVHeaderCache? = nil,
    _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    let raw = try given ?? reader.readHeader()
    let compiled: CSVHeaderCache.Compiled
    if let kept = cache?.lookup(raw: raw, layout: layout) {
      compiled = kept
    } else {
      compiled = try compile(raw, reader: reader)
      cache?.store(compiled, raw: raw, layout: layout, typeColumn: PlatformFormat.of(spec.format).wideMetrics?.typeColumn)
    }
    var record = SourceRecord()
    do {
      try forEachRow(
        &reader, fieldCount: compiled.header.count, extractor: compiled.extractor, wide: compiled.wide, record: &record, body)
    } catch is StopReading {}
  }

  /// The header's names normalized, the layout compiled against them, the required columns
  /// checked, and for a wide export (Customer.io's) one extractor per metric time column.
  private func compile(_ raw: [String], reader: borrowing CSVReader) throws(IngestError) -> CSVHeaderCache.Compiled {
    let header = raw.map(Self.normalized)
    func slot(_ name: String) -> Int { header.firstIndex(of: Self.normalized(name)) ?? -1 }
    let extractor = RecordExtractor(layout: layout, zone: zone, slot: slot)
    try requireColumns(header: header, reader: reader)
    var wide: [RecordExtractor] = []
    if let metrics = PlatformFormat.of(spec.format).wideMetrics {
      let typeColumn = slot(metrics.typeColumn)
      for (index, name) in header.enumerated()
      where name.hasSuffix("_at") && metrics.metrics.contains(String(name.dropLast(3))) {
        wide.append(extractor.wide(eventField: typeColumn, suffix: String(name.dropLast(3)), timeSlot: index))
      }
    }
    return CSVHeaderCache.Compiled(header: header, extractor: extractor, wide: wide)
  }

  /// Thrown to stop reading when the caller has seen enough.
  private struct StopReading: Error {}

  private func forEachRow(
    _ reader: inout CSVReader, fieldCount: Int, extractor: RecordExtractor, wide: [RecordExtractor],
    record: inout SourceRecord, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    func give(_ extraction: Extraction) throws {
      if try !body(&record, extraction) { throw StopReading() }
    }
    try reader.forEachRecord { (row: borrowing CSVRow) throws in
      let line = row.line
      if row.isMalformed {
        record.reset(line: line, idCount: 0)
        return try give(.rejected(.malformedQuotes, "a quoted field is not closed properly"))
      }
      guard row.count == fieldCount else {
        record.reset(line: line, idCount: 0)
        return try give(.rejected(.wrongFieldCount, "expected \(fieldCount) fields, found \(row.count)"))
      }
      let fields = RowFields(row: row)
      if wide.isEmpty {
        return try give(extractor.extract(fields, line: line, into: &record))
      }
      var any = false
      for variant in wide where variant.hasTime(fields) {
        any = true
        try give(variant.extract(fields, line: line, into: &record))
      }
      if !any {
        record.reset(line: line, idCount: 0)
        try give(.notAnEvent)
      }
    }
  }

  /// The columns a file must have: the time, at least one id, and the event name unless it is
  /// constant or derived.
  private func requireColumns(header: [String], reader: borrowing CSVReader) throws(IngestError) {
    func has(_ name: String) -> Bool { header.contains(Self.normalized(name)) || layout.partitionValue(of: name) != nil }
    func missing(_ name: String) -> IngestError {
      .missingColumn(path: spec.path, column: name, header: reader.header)
    }
    if !layout.ids.contains(where: { has($0.field) }) {
      throw missing(layout.ids.first?.field ?? "user_id")
    }
    let platform = PlatformFormat.of(spec.format)
    if let wide = platform.wideMetrics {
      // The name and time come from the metric columns.
      if !has(wide.typeColumn) { throw missing(wide.typeHeader) }
      return
    }
    if let time = layout.times.first, !layout.times.contains(where: has) { throw missing(time) }
    if case .field(let fields, let fallback) = layout.event, fallback == nil,
      let first = fields.first, !fields.contains(where: has)
    {
      if let hint = platform.missingEventHint {
        throw IngestError.missingEventName(path: spec.path, column: first, hint: hint)
      }
      throw missing(first)
    }
  }
}

extension RecordExtractor {
  /// True when this wide variant's time cell is filled in `f`.
  package func hasTime<F: RecordFields>(_ f: F) -> Bool { f.kind(timeSlotOfWide) != .absent }
}

/// The fields of one CSV row: every non-empty field is a string.
package struct RowFields: RecordFields {
  package let row: CSVRow

  @inline(__always)
  package func kind(_ slot: Int) -> JSONScanner.Field.Kind {
    slot >= 0 && slot < row.count && !row.isEmpty(slot) ? .string : .absent
  }

  @inline(__always)
  package func appendText(_ slot: Int, to output: RecordText) {
    guard slot >= 0 && slot < row.count else { return }
    output.append(row.field(slot))
  }

  @inline(__always)
  package func directText(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
    slot >= 0 && slot < row.count ? row.field(slot) : nil
  }
}
