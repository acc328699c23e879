import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// JSON records in an array or as pretty-printed documents read exactly as their JSON-lines
/// form: the committed format samples and the cart-recovery exports are rewritten in each
/// framing and must give the same records (at the lines where they now start) and the same
/// measurement.
@Suite struct JSONFramingTests {
  /// The other framings of a JSON-lines text.
  enum Form: String, CaseIterable {
    /// `[` + one compact element per line + `]`, each on the line it had.
    case arraySameLines
    /// A pretty-printed array, two-space indents.
    case prettyArray
    /// Pretty-printed objects one after another.
    case prettyDocuments
  }

  /// A JSON-lines text rewritten as `form`: the text, and each original line's new start line.
  /// Lines that are not one valid object are dropped unless `keepsInvalid` (then kept compact,
  /// on a line of their own).
  static func rewrite(_ bytes: [UInt8], as form: Form, keepsInvalid: Bool = false) -> ([UInt8], [Int: Int]) {
    var body = bytes
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
    var records: [(line: Int, bytes: [UInt8], valid: Bool)] = []
    var scanner = JSONScanner(paths: JSONFieldPaths([]))
    for (index, line) in body.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      var line = Array(line)
      if line.last == 0x0D { line.removeLast() }
      guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
      let valid = line.withUnsafeBufferPointer { (try? scanner.scan($0)) != nil }
      if valid || keepsInvalid { records.append((index + 1, line, valid)) }
    }
    var out: [UInt8] = []
    var lines: [Int: Int] = [:]
    var current = 1
    func append(_ text: [UInt8]) {
      out += text
      current += text.count { $0 == 0x0A }
    }
    switch form {
    case .arraySameLines:
      var previous = 1
      append(Array("[".utf8))
      for (k, record) in records.enumerated() {
        while previous < record.line {
          append([0x0A])
          previous += 1
        }
        if k > 0 { out.insert(UInt8(ascii: ","), at: out.lastIndex(of: 0x0A) ?? 0) }
        lines[record.line] = current
        append(record.bytes)
      }
      append(Array("]\n".utf8))
    case .prettyArray, .prettyDocuments:
      let inArray = form == .prettyArray
      if inArray { append(Array("[\n".utf8)) }
      for (k, record) in records.enumerated() {
        if inArray && k > 0 { append(Array(",\n".utf8)) }
        let indent = inArray ? 1 : 0
        append(Array(repeating: 0x20, count: 2 * indent))
        lines[record.line] = current
        append(record.valid ? pretty(record.bytes, level: indent) : record.bytes)
        if !inArray || !record.valid { append([0x0A]) }
      }
      append(Array((inArray ? "\n]\n" : "").utf8))
    }
    return (out, lines)
  }

  /// `compact` (one valid JSON value) with a line break after every `{`, `[` and `,` and before
  /// every `}` and `]` outside strings.
  static func pretty(_ compact: [UInt8], level start: Int) -> [UInt8] {
    var out: [UInt8] = []
    var level = start
    var inString = false
    var escaped = false
    func newline() {
      out.append(0x0A)
      out += Array(repeating: 0x20, count: 2 * level)
    }
    for c in compact {
      if inString {
        out.append(c)
        if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
        continue
      }
      switch c {
      case UInt8(ascii: "\""):
        inString = true
        out.append(c)
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        out.append(c)
        level += 1
        newline()
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        level -= 1
        newline()
        out.append(c)
      case UInt8(ascii: ","):
        out.append(c)
        newline()
      default: out.append(c)
      }
    }
    return out
  }

  static let jsonFormats = [
    ("customerio", "webhooks.jsonl"), ("braze", "currents.jsonl"), ("iterable", "events.jsonl"),
    ("amplitude", "export.jsonl"), ("mixpanel", "export.jsonl"), ("segment", "tracks.jsonl"),
    ("generic_jsonl", "events.jsonl"),
  ]

  @Test(arguments: jsonFormats)
  func eachFormatSampleReadsTheSameInEveryFraming(format: String, file: String) throws {
    let directory = TestPaths.repository("fixtures/sources/" + format)
    let spec = try SourceFormatTests.spec(directory)
    let identities = IdentitiesSpec(path: TestPaths.repository("fixtures/sources/identities.csv"))
    let original = try ByteSource(path: directory + "/" + file).readAll()
    let scratch = Scratch()
    for form in Form.allCases {
      let (text, lines) = Self.rewrite(original, as: form)
      // The reference: the JSON-lines reading of the valid lines, at their new lines.
      let reference = try SourceScan.records(of: spec, identities: identities).compactMap { r -> ScannedRecord? in
        guard let line = lines[r.line] else { return nil }
        var moved = r
        moved.line = line
        if case .duplicate(let of, _) = r.status { moved.status = .duplicate(of: lines[of] ?? -1) }
        return moved
      }
      #expect(reference.count == lines.count)
      var variant = spec
      variant.path = scratch.write(file + "." + form.rawValue + ".json", bytes: text)
      #expect(try SourceScan.framing(of: variant) == (form == .prettyDocuments ? .concatenated : .array))
      #expect(try SourceScan.records(of: variant, identities: identities) == reference, "\(format) \(form)")
    }
    // Gzip'd, decompressed as it is read: detection must not consume the stream.
    let (text, _) = Self.rewrite(original, as: .prettyArray)
    var gzipped = spec
    gzipped.path = scratch.path + "/" + file + ".json.gz"
    let gzip = try GzipFile(path: gzipped.path)
    try gzip.write(String(decoding: text, as: UTF8.self))
    try gzip.close()
    var plain = spec
    plain.path = scratch.write(file + ".plain.json", bytes: text)
    #expect(try SourceScan.framing(of: gzipped) == .array)
    #expect(try SourceScan.records(of: gzipped, identities: identities) == SourceScan.records(of: plain, identities: identities))
  }

  /// What a measurement says, without the malformed-JSON examples' wording (the messages name
  /// the fault differently in each framing) and, unless `withLines`, without line numbers.
  static func summary(_ m: Measurement, withLines: Bool) -> [String] {
    var lines = m.metrics.map { "\($0.definition.name) \($0.arms) \($0.exposedArms) \($0.spend)" }
    for file in m.files {
      lines.append("\(file.path.split(separator: "/").last ?? "") \(file.rowsRead) \(file.fates) \(file.reasons)")
      if withLines {
        lines += file.examples.enumerated().map { reason, examples in
          reason == Reconciliation.Reason.malformedJSON.rawValue
            ? examples.map { String($0.split(separator: ":").prefix(2).joined(separator: ":")) }.joined(separator: ",")
            : examples.joined(separator: ",")
        }
      }
    }
    lines.append("\(m.exposure.exposed) \(m.exposure.channels.map { "\($0.name) \($0.users)" })")
    return lines
  }

  @Test func theCartRecoveryExportsAsArraysAndPrettyDocumentsMeasureTheSame() throws {
    let fixture = TestPaths.repository("fixtures/cart-recovery")
    func measure(_ directory: String) throws -> Measurement {
      let definition = try ExperimentFileDecoder.load(path: directory + "/experiment.json", for: .report)
      return try Measurer(experiment: definition, asOf: definition.asOf!, threads: 2).measure()
    }
    let reference = try measure(fixture)
    for form in [Form.arraySameLines, .prettyDocuments] {
      let scratch = Scratch()
      for name in ["experiment.json", "cohort.csv", "identities.csv"] {
        scratch.write(name, bytes: try ByteSource(path: fixture + "/" + name).readAll())
      }
      for name in ["messages.jsonl.gz", "events.json.gz"] {
        let original = try ByteSource(path: fixture + "/" + name).readAll(limit: 1 << 30)
        let (text, _) = Self.rewrite(original, as: form, keepsInvalid: true)
        let gzip = try GzipFile(path: scratch.path + "/" + name)
        try gzip.write(String(decoding: text, as: UTF8.self))
        try gzip.close()
      }
      let other = try measure(scratch.path)
      let withLines = form == .arraySameLines
      #expect(Self.summary(other, withLines: withLines) == Self.summary(reference, withLines: withLines), "\(form)")
      #expect(other.files.allSatisfy { $0.isBalanced })
    }
  }

  @Test(arguments: [("braze", "currents.jsonl", "Braze Currents"), ("amplitude", "export.jsonl", "Amplitude export")])
  func theFormatIsGuessedFromAPrettyPrintedOrArrayFirstRecord(format: String, file: String, reason: String) throws {
    let original = try ByteSource(path: TestPaths.repository("fixtures/sources/\(format)/\(file)")).readAll()
    let scratch = Scratch()
    for form in [Form.prettyArray, .prettyDocuments] {
      let path = scratch.write("export.\(form.rawValue).json", bytes: Self.rewrite(original, as: form).0)
      let guess = try FormatGuesser.guess(path: path)
      #expect(guess.format.rawValue == format, "\(form)")
      #expect(guess.reason.contains(reason))
    }
  }
}
