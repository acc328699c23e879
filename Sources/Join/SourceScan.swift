import Experiment
import Ingest
import MeasurementModel
import Platforms

/// One record of a source as Holdout reads it, for `holdout inspect`, the cohort's last-purchase
/// scan and the format tests: its
/// fate before the join (record, duplicate, rejected, identity not resolved…) and its parts.
public struct ScannedRecord: Sendable, Equatable {
  /// What happened to the record.
  public enum Status: Sendable, Equatable {
    /// Read, resolved and not a duplicate.
    case record
    /// Repeats the de-duplication key of the record on line `of`: of the same file, or, for a
    /// folder or pattern source whose first copy is in another file, of `file` (its path inside
    /// the folder).
    case duplicate(of: Int, file: String? = nil)
    /// Rejected: the reason's key (`bad_timestamp`) and a detail.
    case rejected(String, String)
    /// Its aliases are not in the identities file.
    case unresolved
    /// Its alias belongs to several units.
    case ambiguous
    /// Not an event (a Segment identify call, a delivery row without metric times).
    case notAnEvent
  }

  /// For a folder or pattern source, the record's file by its path inside the folder; nil for a
  /// single file.
  public var file: String? = nil
  /// The 1-based line where the record starts.
  public var line: Int
  /// What happened to it.
  public var status: Status
  /// The resolved unit id.
  public var user: String? = nil
  /// The event name (before renaming).
  public var event: String? = nil
  /// The instant in microseconds since the epoch, UTC.
  public var time: Int64? = nil
  /// The value in micro-units.
  public var value: Int64? = nil
  /// The channel.
  public var channel: String? = nil
  /// True for a holdout marker.
  public var control = false
}

/// Reads one source without an experiment's cohort, record by record, with the report's own
/// extraction, de-duplication and identity resolution: what `holdout inspect` shows, and how
/// `holdout cohort` finds each contact's last purchase (`LastPurchaseScan`). Also the format's
/// framing and field mapping for display.
public enum SourceScan {
  /// The records of `spec` in file order (the first `limit`, when given), with identities
  /// resolved through `identities` when given. Duplicates are found with the source's own key.
  public static func records(
    of spec: SourceSpec, role: String = "events", identities: IdentitiesSpec? = nil, limit: Int? = nil
  ) throws(MeasurementError) -> [ScannedRecord] {
    var result: [ScannedRecord] = []
    try forEachRecord(of: spec, role: role, identities: identities) { item in
      result.append(item)
      return limit.map { result.count < $0 } ?? true
    }
    return result
  }

  /// How many records of the whole file end in each status (`record`, `duplicate`,
  /// `rejected: <reason>`, …), in a fixed order: a file's health at a glance, in bounded memory.
  public static func summary(
    of spec: SourceSpec, role: String = "events", identities: IdentitiesSpec? = nil
  ) throws(MeasurementError) -> [(status: String, count: Int)] {
    // The fixed statuses counted in an array and only rejections by name: a dictionary update
    // or an `ScannedRecord` per record (hashing, Strings) cost more than parsing it.
    let fixed = ["record", "duplicate", "identity not resolved", "identity ambiguous", "not an event"]
    var fixedCounts = [Int](repeating: 0, count: fixed.count)
    var counts: [String: Int] = [:]
    try forEachFate(of: spec, role: role, identities: identities, names: false) { _, fate, _ in
      switch fate {
      case .record: fixedCounts[0] += 1
      case .duplicate: fixedCounts[1] += 1
      case .rejected(let reason, _): counts["rejected: " + reason.key, default: 0] += 1
      case .unresolved: fixedCounts[2] += 1
      case .ambiguous: fixedCounts[3] += 1
      case .notAnEvent: fixedCounts[4] += 1
      }
      return true
    }
    for (k, name) in fixed.enumerated() where fixedCounts[k] > 0 { counts[name] = fixedCounts[k] }
    return counts.sorted { $0.key < $1.key }.map { (status: $0.key, count: $0.value) }
  }

  /// Calls `body` with every record of `spec` in file order, parsed, de-duplicated and
  /// resolved as the join does (for tools that read the events outside a report, such as
  /// `holdout cohort`), until it returns false.
  public static func forEachScannedRecord(
    of spec: SourceSpec, role: String = "events", identities: IdentitiesSpec?, _ body: (ScannedRecord) -> Bool
  ) throws(MeasurementError) {
    try forEachRecord(of: spec, role: role, identities: identities, body)
  }

  /// Calls `body` with every record in file order until it returns false.
  package static func forEachRecord(
    of spec: SourceSpec, role: String, identities: IdentitiesSpec?, _ body: (ScannedRecord) -> Bool
  ) throws(MeasurementError) {
    try forEachFate(of: spec, role: role, identities: identities) { r, fate, file in
      var item = ScannedRecord(line: r.line, status: .record)
      item.file = file
      switch fate {
      case .rejected(let reason, let detail): item.status = .rejected(reason.key, detail)
      case .notAnEvent: item.status = .notAnEvent
      case .duplicate(let line, let first): item.status = .duplicate(of: line, file: first == file ? nil : first)
      case .unresolved: item.status = .unresolved
      case .ambiguous: item.status = .ambiguous
      case .record(let user): item.user = user
      }
      switch fate {
      case .rejected, .notAnEvent: break
      default:
        item.event = r.string(r.event)
        item.time = r.time
        item.value = r.value
        item.channel = r.channel.map(r.string)
        item.control = r.control
      }
      return body(item)
    }
  }

  /// What happened to one record, before any String is made of it but the user's.
  package enum Fate {
    /// Read, resolved (to the user) and not a duplicate.
    case record(user: String?)
    /// Repeats the key of the record on line `of` of file `file` (nil for a single file).
    case duplicate(of: Int, file: String?)
    /// Rejected, with the reason and a detail.
    case rejected(Reconciliation.Reason, String)
    /// Its aliases are not in the identities file.
    case unresolved
    /// Its alias belongs to several units.
    case ambiguous
    /// Not an event.
    case notAnEvent
  }

  /// Calls `body` with every record, its fate and, for a folder or pattern source, its file's
  /// path inside the folder, in file order until it returns false; the user is named only when
  /// `names` (the summary counts fates and needs no names). Duplicates are found across files.
  package static func forEachFate(
    of spec: SourceSpec, role: String, identities: IdentitiesSpec?, names: Bool = true,
    _ body: (SourceRecord, Fate, String?) -> Bool
  ) throws(MeasurementError) {
    let joinRole: EventJoiner.Role = role == "messages" ? .messages : .events
    var table = IdentityTable()
    if let identities { table = try IdentityTable.load(identities, cohort: nil, strict: false).0 }
    let tree = try readingInput(path: spec.path) { try FileTree(spec.path) }
    let resolver = try IdentityResolver(layout: SourceReader(spec: spec, role: joinRole).layout, source: spec, identities: table)
    var seen = ByteKeyTable(capacity: 256)
    // The first copy of each key: its line and its file's index in `tree.files`.
    var firstLines: [(line: Int, file: Int32)] = []
    var going = true
    for (index, file) in tree.files.enumerated() where going {
      let reader = SourceReader(spec: spec, role: joinRole, file: file, in: tree)
      let name = tree.isTree ? file.relative : nil
      try readingInput(path: file.path) {
        try reader.forEachRecord { r, extraction in
          func give(_ fate: Fate) -> Bool {
            going = body(r, fate, name)
            return going
          }
          switch extraction {
          case .rejected(let reason, let detail): return give(.rejected(reason, detail))
          case .notAnEvent: return give(.notAnEvent)
          case .record: break
          }
          if let key = r.dedup {
            let (id, inserted) = seen.intern(r.text[key])
            if inserted {
              firstLines.append((r.line, Int32(index)))
            } else {
              let first = firstLines[Int(id)]
              return give(.duplicate(of: first.line, file: tree.isTree ? tree.files[Int(first.file)].relative : nil))
            }
          }
          switch resolver.resolve(r) {
          case .direct(let range): return give(.record(user: names ? r.string(range) : nil))
          case .alias(let unit): return give(.record(user: names ? table.unitName(unit) : nil))
          case .ambiguous: return give(.ambiguous)
          case .unresolved: return give(.unresolved)
          }
        }
      }
    }
  }

  /// How the records of a JSON-record source are laid out (JSON lines, an array, concatenated
  /// documents), detected from its first bytes as when it is read; nil for CSV and Klaviyo
  /// sources and for standard input (which cannot be read twice).
  public static func framing(of spec: SourceSpec) throws(MeasurementError) -> JSONFraming? {
    guard spec.format.isJSONRecords, spec.path != "-" else { return nil }
    let reader = try SourceReader.first(of: spec, role: .events)
    return try readingInput(path: reader.spec.path) {
      guard case .json(let json) = try reader.open() else { return nil }
      return json.framing
    }
  }

  /// The codec and writer's schema (JSON text) of the source's first file when it is an Avro
  /// object container file; nil otherwise.
  public static func avroHeader(of spec: SourceSpec) throws(MeasurementError) -> (codec: String, schema: String)? {
    guard spec.format.isJSONRecords, spec.path != "-" else { return nil }
    let reader = try SourceReader.first(of: spec, role: .events)
    return try readingInput(path: reader.spec.path) {
      guard case .avro(let avro) = try reader.open() else { return nil }
      return (avro.codec.rawValue, avro.schemaJSON)
    }
  }

  /// Every field name `spec`'s layout reads (ids, event, time, value, de-duplication, channel,
  /// holdout markers, type): the names a `key=value` folder can fill (`SourceLayout.partitions`).
  public static func fieldNames(of spec: SourceSpec, role: String = "events") -> Set<String> {
    SourceReader(spec: spec, role: role == "messages" ? .messages : .events).layout.fieldNames
  }

  /// How `spec`'s records map to Holdout's parts, as (part, fields) lines for display.
  public static func mapping(of spec: SourceSpec, role: String = "events") -> [(String, String)] {
    let layout = SourceReader(spec: spec, role: role == "messages" ? .messages : .events).layout
    var lines: [(String, String)] = []
    lines.append(("user", layout.ids.map { "\($0.field) → \($0.identity)" }.joined(separator: ", ")))
    switch layout.event {
    case .field(let fields, let fallback):
      lines.append(("event", (fields + (fallback.map { ["else '\($0)'"] } ?? [])).joined(separator: ", ")))
    case .joined(let a, let b): lines.append(("event", "\(a) + \"_\" + \(b)"))
    case .constant(let name): lines.append(("event", "'\(name)' (constant)"))
    }
    if PlatformFormat.of(spec.format).wideMetrics != nil {
      lines[1] = ("event", "type + \"_\" + metric, one record per non-empty '<metric> At' column")
      lines.append(("time", "the '<metric> At' cell"))
    } else {
      lines.append(("time", layout.times.joined(separator: ", ") + " (\(layout.timeFormat.rawValue)"
        + (spec.timeZone.map { ", zone-less times in \($0))" } ?? ")")))
    }
    var value = layout.values.joined(separator: ", ")
    if let (price, quantity) = layout.valueProduct { value += (value.isEmpty ? "" : ", else ") + "\(price) × \(quantity)" }
    lines.append(("value", value.isEmpty ? "(none)" : value))
    var dedup = layout.dedup.map { $0.joined(separator: " | ") }.joined(separator: ", ")
    if let required = layout.dedupRequires { dedup += " (only when \(required) is present)" }
    lines.append(("dedup", dedup.isEmpty ? "(none)" : dedup))
    lines.append(("channel", layout.channel.summary))
    if !layout.control.isEmpty {
      lines.append(("holdout", layout.control.map(\.summary).joined(separator: "; ")))
    }
    if let only = layout.onlyType { lines.append(("only", "\(only.field) = \(only.value)")) }
    return lines
  }
}
