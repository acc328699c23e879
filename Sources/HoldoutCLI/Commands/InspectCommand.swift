import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction

/// `holdout inspect` (usage and options: `CommandHelp.inspect`)
/// and `holdout inspect --experiment EXPERIMENT [--rows N]`: shows how Holdout reads a file: the
/// format (guessed from the first record, or given), the field mapping it would use, and the first
/// records as parsed (user, event, UTC time, value, channel, holdout marker) or why each is not used.
enum InspectCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .inspect)
    let summary = args.flag("summary")
    var rows = 10
    if let text = args.value("rows") {
      guard let value = Int(text), value > 0, value <= 1_000_000 else {
        throw CLIError.usage("--rows must be a positive whole number, got '\(text)'")
      }
      rows = value
    }
    if let experimentPath = args.value("experiment") {
      try args.rejectUnused(in: "inspect --experiment (the experiment file gives each source's mapping)")
      guard args.positional.isEmpty else { throw CLIError.usage("inspect --experiment takes no file argument") }
      let experiment = try ExperimentFileDecoder.load(path: experimentPath, for: .report)
      guard let inputs = experiment.inputs else {
        throw CLIError.experiment(.missingForCommand(path: experimentPath, key: "inputs", command: "inspect"))
      }
      var text = ""
      for (role, sources) in [("messages", inputs.messages), ("events", inputs.events)] {
        for source in sources {
          text += try describe(
            source, role: role, reason: "as the experiment file says", identities: inputs.identities, rows: rows,
            summary: summary)
        }
      }
      console.out(text)
      return 0
    }
    guard args.positional.count == 1 else {
      throw CLIError.usage("inspect needs one PATH: a file, folder, pattern or zip archive (or --experiment EXPERIMENT)")
    }
    let path = args.positional[0]
    let givenRole = args.value("role")
    if let givenRole, givenRole != "events" && givenRole != "messages" {
      throw CLIError.usage("--role must be messages or events, got '\(givenRole)'")
    }
    let unit = args.value("unit")
    let identities = args.value("identities").map { IdentitiesSpec(path: $0, unit: unit) }
    if unit != nil && identities == nil { throw CLIError.usage("--unit names a column of --identities FILE") }
    let formatName = args.value("format")
    let eventName = args.value("event")
    let zone = args.value("timezone")
    var spec: SourceSpec
    var reason: String
    if let formatName {
      guard let format = SourceSpec.Format(rawValue: formatName) else {
        throw CLIError.usage("unknown format '\(formatName)'; use one of \(SourceSpec.Format.names)")
      }
      spec = SourceSpec(path: path, format: format)
      reason = "given with --format"
    } else {
      guard path != "-" else {
        throw CLIError.usage("standard input cannot be read twice to guess its format; give --format")
      }
      let guess = try FormatGuesser.guess(path: path)
      spec = SourceSpec(path: path, format: guess.format)
      reason = "guessed: " + guess.reason
    }
    spec.event = eventName
    if let zone {
      guard TimeZoneRule(zone) != nil else {
        throw CLIError.usage("--timezone '\(zone)' is not UTC, an offset such as +05:30, or an IANA zone name")
      }
      spec.timeZone = zone
    }
    if spec.format == .csv || spec.format == .jsonl {
      let framing = try SourceScan.framing(of: spec).map { "framing: \($0)\n" } ?? ""
      console.out(
        "file: \(VisibleText.escaped(path))\nformat: \(spec.format.rawValue) (\(VisibleText.escaped(reason)))\n\(framing)\n"
          + "A generic source needs its mapping in the experiment file (id, fields.event, fields.time, …;\n"
          + "see docs/inputs.md); then run: holdout inspect --experiment EXPERIMENT\n")
      return 0
    }
    // Without --role, a messaging platform's export is read as messages, anything else as events.
    let role = givenRole ?? PlatformFormat.of(spec.format).usualRole.rawValue
    let roleNote = givenRole != nil
      ? "given with --role"
      : "the usual role of \(spec.format.rawValue) exports; --role \(role == "messages" ? "events" : "messages") reads it the other way"
    console.out(
      try describe(spec, role: role, reason: reason, identities: identities, rows: rows, summary: summary, roleNote: roleNote))
    return 0
  }

  /// The mapping and first records of one source, as Markdown.
  static func describe(
    _ spec: SourceSpec, role: String, reason: String, identities: IdentitiesSpec?, rows: Int, summary: Bool,
    roleNote: String? = nil
  ) throws -> String {
    var text = "file: \(VisibleText.escaped(spec.path))\nformat: \(spec.format.rawValue) (\(VisibleText.escaped(reason)))\n"
    let tree: FileTree
    do { tree = try FileTree(spec.path) } catch { throw CLIError.input(error) }
    if tree.isTree { text += Self.files(tree, fields: SourceScan.fieldNames(of: spec, role: role)) }
    if let framing = try SourceScan.framing(of: spec) { text += "framing: \(framing)\(tree.isTree ? " (first file)" : "")\n" }
    if let avro = try SourceScan.avroHeader(of: spec) {
      // The writer's schema, as the file declares it (long schemas shortened).
      var schema = VisibleText.escaped(avro.schema)
      if schema.count > 2000 { schema = String(schema.prefix(2000)) + "… (\(avro.schema.utf8.count) bytes)" }
      text += "avro: object container, codec \(avro.codec)\(tree.isTree ? " (first file)" : ""); each record is read as a JSON object\n"
      text += "avro schema: \(schema)\n"
    }
    text += "role: \(role)\(roleNote.map { " (\($0))" } ?? "")\n\nmapping:\n"
    for (part, fields) in SourceScan.mapping(of: spec, role: role) {
      text += "  \(part.padding(8))\(VisibleText.escaped(fields))\n"
    }
    if !spec.rename.isEmpty {
      text += "  rename  " + VisibleText.escaped(spec.rename.map { "\($0.from) → \($0.to)" }.joined(separator: ", ")) + "\n"
    }
    if summary {
      let counts = try SourceScan.summary(of: spec, role: role, identities: identities)
      text += "\n\(tree.isTree ? "every file" : "whole file"):\n\n| status | records |\n|---|---:|\n"
      for (status, count) in counts { text += "| \(Self.cell(status, limit: nil)) | \(count) |\n" }
      text += "| **total** | **\(counts.reduce(0) { $0 + $1.count })** |\n"
    }
    let records = try SourceScan.records(of: spec, role: role, identities: identities, limit: rows)
    text += "\nfirst \(records.count) record\(records.count == 1 ? "" : "s"):\n\n"
    let fileColumn = tree.isTree ? "file | " : ""
    text += "| \(fileColumn)line | status | user | event | time (UTC) | value | channel | holdout |\n"
    text += "|\(tree.isTree ? "---|" : "")---:|---|---|---|---|---:|---|---|\n"
    for r in records {
      let status: String
      switch r.status {
      case .record: status = "record"
      case .duplicate(let of, let file): status = "duplicate of \(file.map { "\($0):" } ?? "line ")\(of)"
      case .rejected(let reason, let detail): status = "rejected (\(reason)): \(detail)"
      case .unresolved: status = "identity not resolved"
      case .ambiguous: status = "identity ambiguous"
      case .notAnEvent: status = "not an event"
      }
      let cells = (r.file.map { [$0] } ?? []) + [
        "\(r.line)", status, r.user ?? "", r.event ?? "", r.time.map(Timestamp.format) ?? "",
        r.value.map(Decimal.format) ?? "", r.channel ?? "", r.control ? "yes" : "",
      ]
      let statusColumn = r.file == nil ? 1 : 2
      text += "| " + cells.enumerated().map { $0.offset == statusColumn ? Self.cell($0.element, limit: nil) : Self.cell($0.element) }
        .joined(separator: " | ") + " |\n"
    }
    return text + "\n"
  }

  /// What a folder or pattern source holds: files by kind (their name's extensions) and by
  /// partition (`key=value` folders: each key's values, first and last, with file counts), and
  /// the names not read. A key the mapping names among `fields` is marked: its folders fill that
  /// field where a record lacks it.
  static func files(_ tree: FileTree, fields: Set<String> = []) -> String {
    var text = "files: \(tree.files.count) under \(VisibleText.escaped(tree.displayName)) (read in this order: paths compared folder by folder, bytewise)\n"
    var kinds: [(String, Int)] = []
    var keys: [(key: String, values: [(String, Int)])] = []
    for file in tree.files {
      let name = FileTree.lastComponent(file.relative)
      // The extension, and the one before it when the last is a compression suffix (.json.gz).
      let parts = Array(name.split(separator: ".", omittingEmptySubsequences: false).dropFirst())
      let compressed = ["gz", "gzip", "zst", "bz2", "xz"].contains(parts.last.map(String.init) ?? "") && parts.count >= 2
      let kind = parts.isEmpty ? "(no extension)" : "." + parts.suffix(compressed ? 2 : 1).joined(separator: ".")
      if let k = kinds.firstIndex(where: { $0.0 == kind }) { kinds[k].1 += 1 } else { kinds.append((kind, 1)) }
      for partition in file.partitions {
        let k = keys.firstIndex { $0.key == partition.key } ?? {
          keys.append((partition.key, []))
          return keys.count - 1
        }()
        if let v = keys[k].values.firstIndex(where: { $0.0 == partition.value }) {
          keys[k].values[v].1 += 1
        } else {
          keys[k].values.append((partition.value, 1))
        }
      }
    }
    text += "  by kind: " + kinds.sorted { $0.0 < $1.0 }.map { "\(VisibleText.escaped($0.0)) \($0.1)" }.joined(separator: ", ") + "\n"
    for (key, values) in keys {
      let sorted = values.sorted { $0.0 < $1.0 }
      let shown = sorted.count <= 12
        ? sorted.map { "\(VisibleText.escaped($0.0)) (\($0.1))" }.joined(separator: ", ")
        : "\(sorted.count) values, \(VisibleText.escaped(sorted[0].0)) … \(VisibleText.escaped(sorted[sorted.count - 1].0))"
      let fills = fields.contains(key) ? " (fills the mapped field '\(VisibleText.escaped(key))' where a record lacks it)" : ""
      text += "  \(VisibleText.escaped(key))=: \(shown)\(fills)\n"
    }
    for (reason, count) in tree.skippedByReason {
      let examples = tree.skipped.filter { $0.reason == reason }.prefix(3).map { VisibleText.escaped($0.relative) }
      text += "  not read, \(reason.rawValue): \(count) (\(examples.joined(separator: ", ")))\n"
    }
    return text
  }

  /// A table cell: control characters and bidi overrides shown as escapes (`VisibleText`),
  /// `|` escaped, and values longer than `limit` characters shortened at a word boundary (or
  /// mid-word when the value has no space near the cut) with `…`. The status column (why a
  /// record is not used) is never shortened.
  static func cell(_ text: String, limit: Int? = 80) -> String {
    let visible = VisibleText.escaped(text)
    guard let limit, visible.count > limit else { return visible.replacingPipes() }
    var cut = visible.prefix(limit - 1)
    if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) >= limit / 2 {
      cut = cut[..<space]
    }
    return (String(cut) + "…").replacingPipes()
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }

  fileprivate func replacingPipes() -> String {
    var result = ""
    for c in self {
      switch c {
      case "|": result += "\\|"
      case "\n", "\r": result += " "
      default: result.append(c)
      }
    }
    return result
  }
}
