import Ingest

extension ExperimentFileDecoder {
  /// Decodes `entry` (docs/experiment-file.md#entry): `contacts` (a path or an object with
  /// `path`, `format`, `id`, `last_purchase`, `consent`, `unsubscribed`, `email`, `phone`,
  /// `time_format`) or `events` (event names read from `inputs.events`), `segments` (increasing
  /// day thresholds, or `{name, days}` objects), `entry_time` (`as_of` | `threshold`),
  /// `reentry_days`, `timezone`.
  static func decodeEntry(_ object: inout ObjectReader, path: String) throws(ExperimentError) -> EntryDefinition? {
    guard let node = try object.optionalNode("entry") else { return nil }
    var reader = try ObjectReader(node, path: path, keyPath: "entry")
    var entry: EntryDefinition
    let events = try reader.optionalStringList("events")
    if let contactsNode = try reader.optionalNode("contacts") {
      guard events == nil else {
        throw reader.invalid("events", "give either contacts (a contact export) or events (last purchase from inputs.events), not both")
      }
      entry = EntryDefinition(source: .contacts, contacts: try contacts(contactsNode, path: path))
    } else if let events {
      guard !events.isEmpty else { throw reader.invalid("events", "needs at least one event name, e.g. [\"order\"]") }
      entry = EntryDefinition(source: .events(events))
    } else {
      throw reader.invalid("contacts", "missing: give contacts (a contact export) or events (event names in inputs.events)")
    }
    if let segmentNodes = try reader.optionalArray("segments") {
      entry.segments = try segments(segmentNodes, reader: reader, path: path)
    }
    if let text = try reader.optionalString("entry_time") {
      guard let value = EntryDefinition.EntryTime(rawValue: text) else {
        throw reader.invalid("entry_time", "must be as_of (default: entry at the day the cohort is built) or threshold (the day the user crossed the lowest threshold), got '\(text)'")
      }
      entry.entryTime = value
    }
    if let days = try reader.optionalNumber("reentry_days") {
      guard days == days.rounded(), days >= 1, days <= 36_500 else {
        throw reader.invalid("reentry_days", "must be a whole number of days from 1 to 36500, got \(days)")
      }
      entry.reentryDays = Int(days)
    }
    if let zone = try reader.optionalString("timezone") {
      guard TimeZoneRule(zone) != nil else {
        throw reader.invalid("timezone", "'\(zone)' is not UTC, an offset such as +01:00, or an IANA zone name such as Europe/Rome")
      }
      entry.timeZone = zone
    }
    if let format = try reader.optionalString("time_format") {
      guard TimeFormat(rawValue: format) != nil else {
        throw reader.invalid("time_format", "must be one of \(TimeFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
      }
      entry.timeFormat = format
    }
    try reader.rejectUnknownKeys()
    return entry
  }

  private static func contacts(_ node: JSONNode, path: String) throws(ExperimentError) -> EntryDefinition.Contacts {
    func format(of file: String) -> EntryDefinition.Contacts.Format {
      let lower = file.lowercased()
      return [".jsonl", ".json", ".jsonl.gz", ".json.gz", ".ndjson"].contains { lower.hasSuffix($0) } ? .jsonl : .csv
    }
    if case .string(let file) = node.value {
      guard !file.isEmpty else {
        throw .invalidExperiment(path: path, line: node.line, key: "entry.contacts", message: "the path is empty")
      }
      return .init(path: resolve(file, relativeTo: path), format: format(of: file))
    }
    var reader = try ObjectReader(node, path: path, keyPath: "entry.contacts")
    let file = try reader.string("path")
    guard !file.isEmpty else { throw reader.invalid("path", "the path is empty") }
    var contacts = EntryDefinition.Contacts(path: resolve(file, relativeTo: path), format: format(of: file))
    if let name = try reader.optionalString("format") {
      guard let value = EntryDefinition.Contacts.Format(rawValue: name) else {
        throw reader.invalid("format", "must be csv or jsonl, got '\(name)'")
      }
      contacts.format = value
    }
    func column(_ key: String) throws(ExperimentError) -> String? {
      guard let value = try reader.optionalString(key) else { return nil }
      guard !value.isEmpty else { throw reader.invalid(key, "names an empty column") }
      return value
    }
    contacts.id = try column("id") ?? contacts.id
    contacts.lastPurchase = try column("last_purchase") ?? contacts.lastPurchase
    contacts.consent = try column("consent")
    contacts.unsubscribed = try column("unsubscribed")
    contacts.email = try column("email")
    contacts.phone = try column("phone")
    if let copy = try reader.optionalStringList("copy") {
      let taken = ["user_id", "entered_at", "arm", "segment", "bucket", "last_purchase_at", "days_inactive", "email", "phone"]
      for name in copy {
        guard !name.isEmpty else { throw reader.invalid("copy", "names an empty column") }
        guard !taken.contains(name) else {
          throw reader.invalid("copy", "'\(name)' is one of the cohort's own columns (\(taken.joined(separator: ", "))); copy other columns")
        }
      }
      guard Set(copy).count == copy.count else { throw reader.invalid("copy", "lists a column twice") }
      contacts.copy = copy
    }
    try reader.rejectUnknownKeys()
    return contacts
  }

  /// `[60, 90, 180]` (names lapsed_<days>) or `[{"name": "warm", "days": 60}, …]`; strictly
  /// increasing, each from 1 to 36,500 days, names unique.
  private static func segments(_ nodes: [JSONNode], reader: ObjectReader, path: String) throws(ExperimentError)
    -> [EntryDefinition.Segment]
  {
    guard !nodes.isEmpty else { throw reader.invalid("segments", "needs at least one threshold, e.g. [60, 90, 180]") }
    var result: [EntryDefinition.Segment] = []
    for (index, node) in nodes.enumerated() {
      let key = "segments[\(index)]"
      var segment: EntryDefinition.Segment
      if case .number(let days) = node.value {
        guard days == days.rounded(), days >= 1, days <= 36_500 else {
          throw .invalidExperiment(path: path, line: node.line, key: "entry." + key, message: "must be a whole number of days from 1 to 36500, got \(days)")
        }
        segment = .init(name: "lapsed_\(Int(days))", days: Int(days))
      } else {
        var item = try ObjectReader(node, path: path, keyPath: "entry." + key)
        let name = try item.name("name")
        let days = try item.number("days")
        guard days == days.rounded(), days >= 1, days <= 36_500 else {
          throw item.invalid("days", "must be a whole number of days from 1 to 36500, got \(days)")
        }
        try item.rejectUnknownKeys()
        segment = .init(name: name, days: Int(days))
      }
      if let previous = result.last, segment.days <= previous.days {
        throw .invalidExperiment(
          path: path, line: node.line, key: "entry." + key,
          message: "thresholds must increase: \(segment.days) days follows \(previous.days); list them from the lowest, e.g. [60, 90, 180]")
      }
      guard !result.contains(where: { $0.name == segment.name }) else {
        throw .invalidExperiment(path: path, line: node.line, key: "entry." + key, message: "segment '\(segment.name)' is listed twice")
      }
      result.append(segment)
    }
    return result
  }
}
