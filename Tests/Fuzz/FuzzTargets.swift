#if canImport(Glibc)
  import Glibc
#endif
@testable import Ingest

/// The fuzz targets, by name (`FUZZ_TARGET`). Each takes any bytes; a target fails only by
/// crashing, trapping, a sanitizer report, or `check` (a broken invariant or a differential
/// mismatch), which aborts so that libFuzzer saves the input.
enum FuzzTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] =
    [
      ("csv-reader", csvReader), ("line-reader", lineReader), ("json-scanner", jsonScanner),
      ("json-tree", jsonTree), ("json-documents", jsonDocuments), ("timestamp", timestamp),
      ("tzif", tzif), ("posix-rule", posixRule), ("decimal", decimal),
      ("csv-chunks-differential", ChunkDifferential.run), ("json-differential", JSONDifferential.run),
    ] + MeasurementTargets.all + WarehouseTargets.all + AvroTargets.all + CompressionTargets.all + FileTreeTargets.all
      + HTTPTargets.all + CollectorTargets.all

  nonisolated(unsafe) static let selected: ([UInt8]) -> Void = {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = all.first(where: { $0.name == name }) else {
      fputs("FUZZ_TARGET must be one of: \(all.map(\.name).joined(separator: " "))\n", stderr)
      exit(2)
    }
    return target.run
  }()

  static func run(_ target: ([UInt8]) -> Void, _ bytes: [UInt8]) { target(bytes) }

  /// Aborts with `message` when `condition` fails: libFuzzer keeps the input as a crash.
  static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    fputs("fuzz invariant failed: \(message())\n", stderr)
    abort()
  }

  /// The first byte chooses a small block size, so refills happen at every position.
  static func blockSize(_ bytes: [UInt8]) -> Int { 16 + Int(bytes.first ?? 0) % 64 }

  static func csvReader(_ bytes: [UInt8]) {
    var reader = CSVReader(source: ByteSource(bytes: bytes, path: "fuzz.csv"), blockSize: blockSize(bytes), recordLimit: 4096)
    do {
      let header = try reader.readHeader()
      try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
        let line = row.line
        check(line >= 2, "a data row on line \(line)")
        for i in 0..<row.count { _ = row.string(i) }
        _ = header.count
      }
    } catch {}
  }

  static func lineReader(_ bytes: [UInt8]) {
    var reader = LineReader(source: ByteSource(bytes: bytes, path: "fuzz.jsonl"), blockSize: blockSize(bytes), lineLimit: 4096)
    var last = 0
    do {
      try reader.forEachLine { (line: Int, text: UnsafeBufferPointer<UInt8>) -> Bool in
        check(line > last, "line numbers must increase: \(line) after \(last)")
        check(!text.contains(0x0A), "a line contains a line feed")
        last = line
        return true
      }
    } catch {}
  }

  static let paths = JSONFieldPaths([["id"], ["user", "id"], ["event"], ["time"], ["data", "value"], ["a"]])

  static func jsonScanner(_ bytes: [UInt8]) {
    var scanner = JSONScanner(paths: paths, unwrapsUnions: bytes.first.map { $0 & 1 == 1 } ?? false)
    bytes.withUnsafeBufferPointer { buffer in
      do {
        try scanner.scan(buffer)
        var out: [UInt8] = []
        for k in 0..<paths.count {
          let field = scanner.fields[k]
          check(field.range.lowerBound >= 0 && field.range.upperBound <= buffer.count, "field range out of bounds")
          scanner.appendText(k, of: buffer, to: &out)
          _ = isTrue(scanner.fields[k], in: buffer)
        }
      } catch {}
    }
  }

  static func jsonTree(_ bytes: [UInt8]) {
    var parser = JSONTreeParser(bytes: bytes, path: "fuzz.json")
    _ = try? parser.parseDocument()
    var sequence = JSONTreeParser(bytes: bytes, path: "fuzz.json")
    _ = try? sequence.parseSequence()
  }

  static func jsonDocuments(_ bytes: [UInt8]) {
    let source = ByteSource(bytes: bytes, path: "fuzz.json")
    guard let framing = try? JSONFraming.detect(source, limit: 4096) else { return }
    var reader = JSONDocumentReader(source: source, blockSize: blockSize(bytes), documentLimit: 4096)
    _ = framing
    var last = 0
    do {
      try reader.forEachDocument { document in
        check(document.line >= last, "documents must come in file order")
        last = document.line
        return true
      }
    } catch {}
  }

  static func timestamp(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
      for format in TimeFormat.allCases { _ = format.read(buffer) }
      guard let instant = Timestamp.parse(buffer) else { return }
      let text = Timestamp.format(instant)
      // Instants of years 0000–9999 print as ISO-8601 and read back exactly.
      if text.utf8.count >= 20 && text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: 4)] == UInt8(ascii: "-") {
        check(Timestamp.parse(text) == instant, "\(text) does not read back as \(instant)")
      }
    }
  }

  static func tzif(_ bytes: [UInt8]) {
    guard let zone = TimeZoneRule(name: "fuzz", tzif: bytes) else { return }
    for seconds: Int64 in [Int64.min / 4_000_000, -2_000_000_000, 0, 1_700_000_000, 4_000_000_000, Int64.max / 4_000_000] {
      let offset = zone.offset(atUTC: seconds)
      check((-89_999...93_599).contains(offset) || (-167 * 3600...167 * 3600).contains(offset), "offset \(offset) out of range")
      _ = zone.utc(fromLocal: seconds * 1_000_000)
    }
  }

  static func posixRule(_ bytes: [UInt8]) {
    guard let rule = PosixRule(bytes) else { return }
    for seconds: Int64 in [-4_000_000_000, 0, 1_700_000_000, 1_720_000_000, 253_402_300_799] {
      _ = rule.offset(atUTC: seconds)
    }
  }

  static func decimal(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
      guard let micros = Decimal.parseMicros(buffer) else { return }
      let text = Decimal.format(micros)
      check(Decimal.parseMicros(text) == micros, "\(text) does not read back as \(micros)")
    }
  }
}

/// True when a captured field is the literal `true` (or, unwrapped, a string "true"): what the
/// differential check compares a boolean's text by.
func isTrue(_ field: JSONScanner.Field, in line: UnsafeBufferPointer<UInt8>) -> Bool {
  guard field.kind == .bool || field.kind == .string, field.range.count == 4 else { return false }
  return line[field.range.lowerBound] == UInt8(ascii: "t")
}
