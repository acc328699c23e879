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

  /// The fields the JSON probes look at, in the order the platforms declare them.
  private static let probedFields: [String] = {
    var fields: [String] = []
    for probe in PlatformFormat.guessOrder.compactMap(\.probe) where probe.kind != .csv {
      for field in probe.all + probe.any where !fields.contains(field) { fields.append(field) }
    }
    return fields
  }()

  /// Guesses the format of the file at `path` (not standard input: it cannot be read twice); for
  /// a folder or a pattern, of its first file (in the listing's order).
  public static func guess(path: String) throws(MeasurementError) -> Guess {
    let tree = try readingInput(path: path) { try FileTree(path) }
    guard !tree.isTree else {
      let first = tree.files[0]
      let guess: Guess
      if let zip = first.zip {
        let name = first.readablePath
        guess = try Self.guess(path: name, folders: first.relative) { () throws(IngestError) in try ByteSource(member: zip, path: name) }
      } else {
        guess = try Self.guess(path: first.path)
      }
      return Guess(format: guess.format, reason: guess.reason + ", in its first file \(first.relative)")
    }
    return try guess(path: path, folders: path) { () throws(IngestError) in try ByteSource(path: path) }
  }

  /// Guesses the format of the bytes `open` gives (named `path`); `folders` is the path whose
  /// `key=value` folders may name the platform.
  private static func guess(
    path: String, folders: String, open: () throws(IngestError) -> ByteSource
  ) throws(MeasurementError) -> Guess {
    for platform in PlatformFormat.guessOrder {
      if let key = platform.eventFolderKey, PlatformFormat.folderValue(key, in: folders) != nil {
        return Guess(format: platform.format, reason: "the path has a \(platform.displayName) \(key)= folder")
      }
    }
    let head: [UInt8] = try readingInput(path: path) {
      var bytes: [UInt8] = []
      var reader = LineReader(source: try open())
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
      return guessJSON(head, firstRecord: try firstRecord(path: path, head: head, open: open))
    }
    return guessCSV(head)
  }

  /// The first record of a JSON file in any framing: its first line, the first element of its
  /// array, or its first (pretty-printed) document; empty when there is none.
  private static func firstRecord(
    path: String, head: [UInt8], open: () throws(IngestError) -> ByteSource
  ) throws(MeasurementError) -> [UInt8] {
    try readingInput(path: path) {
      let source = try open()
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
    var scanner = JSONScanner(paths: JSONFieldPaths(probedFields.map(JSONFieldPaths.split)))
    let parsed = firstRecord.withUnsafeBufferPointer { record -> Bool in
      (try? scanner.scan(record)) != nil
    }
    func has(_ name: String) -> Bool {
      parsed && !scanner.fields[probedFields.firstIndex(of: name)!].isMissing
    }
    if firstRecord.isEmpty {
      return Guess(format: .jsonl, reason: "no complete first record to guess from (an empty JSON array?); give --format")
    }
    let text = String(decoding: head, as: UTF8.self)
    let documents = PlatformFormat.guessOrder.filter { $0.probe?.kind == .jsonAPIDocument }
    func hasMarker(_ platform: PlatformFormat) -> Bool { platform.probe?.textMarker.map(text.contains) ?? false }
    if !parsed || documents.contains(where: { $0.probe!.matches(has) && hasMarker($0) }) {
      if let document = documents.first(where: hasMarker) {
        return Guess(format: document.format, reason: document.probe!.reason)
      }
      return Guess(format: .jsonl, reason: "JSON whose first record is not a complete object; map its fields by hand")
    }
    for platform in PlatformFormat.guessOrder {
      if let probe = platform.probe, probe.kind == .json, probe.matches(has) {
        return Guess(format: platform.format, reason: probe.reason)
      }
    }
    return Guess(format: .jsonl, reason: "JSON records of an unknown shape; map their fields with format \"jsonl\"")
  }

  private static func guessCSV(_ head: [UInt8]) -> Guess {
    let lineEnd = head.firstIndex(of: 0x0A) ?? head.endIndex
    let header = String(decoding: head[..<lineEnd], as: UTF8.self)
      .split(separator: ",").map { CSVSourceReader.normalized($0.trimmingCharacters(in: " \"\r\u{FEFF}")) }
    for platform in PlatformFormat.guessOrder {
      if let probe = platform.probe, probe.kind == .csv, probe.matches({ header.contains($0) }, columns: header) {
        return Guess(format: platform.format, reason: probe.reason)
      }
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
