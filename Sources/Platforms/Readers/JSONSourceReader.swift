import Ingest
import MeasurementModel

/// Reads the JSON-record formats (`jsonl`, Customer.io, Braze, Iterable, Amplitude, Mixpanel,
/// Segment) in any `JSONFraming`: lines from a `LineReader`, or the elements of an array and
/// concatenated documents from a `JSONDocumentReader`.
///
/// Either way each record goes through the same `JSONScanner` (the layout's paths only, no tree)
/// and `RecordExtractor`, so the field mapping is the same. A record that is not valid JSON is
/// rejected (`malformed_json`, `invalid_utf8`) with the position of the fault: the column for a
/// line, the file line and column for a multi-line document.
package struct JSONSourceReader {
  package let layout: SourceLayout
  package let zone: TimeZoneRule?

  /// Reads JSON lines; returns false when there was no line at all.
  package func forEachRecord(
    _ reader: inout LineReader, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws -> Bool {
    var parser = Parser(layout: layout, zone: zone)
    var sawLine = false
    try reader.forEachLine { (line, bytes) throws -> Bool in
      sawLine = true
      return try parser.read(bytes, line: line, body) { column in "column \(column)" }
    }
    return sawLine
  }

  /// Reads the records of a top-level array or of concatenated documents.
  package func forEachRecord(
    _ reader: inout JSONDocumentReader, _ body: (inout SourceRecord, Extraction) throws -> Bool
  ) throws {
    var parser = Parser(layout: layout, zone: zone)
    try reader.forEachDocument { (document) throws -> Bool in
      if let issue = document.issue {
        parser.record.reset(line: document.line, idCount: 0)
        return try body(&parser.record, .rejected(.malformedJSON, issue))
      }
      return try parser.read(document.bytes, line: document.line, body) { column in
        let (line, at) = JSONDocumentReader.position(of: column - 1, in: document)
        return line == document.line ? "column \(at)" : "line \(line), column \(at)"
      }
    }
  }

  /// The scanner and extractor of one file, and its reused record.
  private struct Parser {
    package var scanner: JSONScanner
    package let extractor: RecordExtractor
    package var record = SourceRecord()

    package init(layout: SourceLayout, zone: TimeZoneRule?) {
      var paths: [[String]] = []
      var dotted: [String] = []
      extractor = RecordExtractor(layout: layout, zone: zone) { name in
        if let index = dotted.firstIndex(of: name) { return index }
        dotted.append(name)
        paths.append(JSONFieldPaths.split(name))
        return paths.count - 1
      }
      scanner = JSONScanner(paths: JSONFieldPaths(paths), unwrapsUnions: layout.unwrapsUnions)
    }

    /// Scans one record and hands it to `body`; `position` describes a 1-based byte column of
    /// `bytes` for messages.
    package mutating func read(
      _ bytes: UnsafeBufferPointer<UInt8>, line: Int, _ body: (inout SourceRecord, Extraction) throws -> Bool,
      position: (Int) -> String
    ) throws -> Bool {
      do throws(JSONScanner.Failure) {
        try scanner.scan(bytes)
      } catch {
        record.reset(line: line, idCount: 0)
        switch error {
        case .malformed(let message, let column):
          return try body(&record, .rejected(.malformedJSON, "invalid JSON at \(position(column)): \(message)"))
        case .invalidUTF8(let column):
          return try body(&record, .rejected(.invalidUTF8, "invalid UTF-8 at \(position(column))"))
        }
      }
      let outcome = extractor.extract(ScannedFields(scanner: scanner, line: bytes), line: line, into: &record)
      return try body(&record, outcome)
    }
  }
}

/// The fields of a scanned JSON record.
package struct ScannedFields: RecordFields {
  package let scanner: JSONScanner
  package let line: UnsafeBufferPointer<UInt8>

  package func kind(_ slot: Int) -> JSONScanner.Field.Kind {
    guard slot >= 0 else { return .absent }
    let field = scanner.fields[slot]
    if field.kind == .string && field.range.isEmpty { return .absent }
    return field.kind
  }

  package func appendText(_ slot: Int, to output: RecordText) {
    if let direct = directText(slot) { return output.append(direct) }
    guard slot >= 0 else { return }
    var unescaped: [UInt8] = []
    scanner.appendText(slot, of: line, to: &unescaped)
    output.append(contentsOf: unescaped)
  }

  /// A string without escapes, a number or a literal, where it lies in the line.
  package func directText(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
    guard slot >= 0 else { return nil }
    let field = scanner.fields[slot]
    switch field.kind {
    case .string where !field.hasEscapes, .number, .bool: return UnsafeBufferPointer(rebasing: line[field.range])
    default: return nil
    }
  }
}
