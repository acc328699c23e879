import Ingest

extension ExperimentFileDecoder {
  /// Decodes `inputs`: `cohort` (a path), optional `identities` (a path or `{path, unit}`),
  /// `messages` (optional) and `events`, each a source or a list of sources; a source is a path
  /// (Holdout's CSV) or an object (docs/inputs.md).
  static func decodeInputs(_ object: inout ObjectReader, path: String)
    throws(ExperimentError) -> ExperimentDefinition.Inputs?
  {
    guard let node = try object.optionalNode("inputs") else { return nil }
    var inputs = try ObjectReader(node, path: path, keyPath: "inputs")
    let cohort = try inputs.string("cohort")
    var identities: IdentitiesSpec? = nil
    if let identityNode = try inputs.optionalNode("identities") {
      if case .string(let file) = identityNode.value {
        identities = IdentitiesSpec(path: resolve(file, relativeTo: path))
      } else {
        var reader = try ObjectReader(identityNode, path: path, keyPath: "inputs.identities")
        let file = try reader.string("path")
        let unit = try reader.optionalString("unit")
        try reader.rejectUnknownKeys()
        identities = IdentitiesSpec(path: resolve(file, relativeTo: path), unit: unit)
      }
    }
    let messages = try sources(try inputs.optionalNode("messages"), key: "inputs.messages", path: path)
    guard let eventsNode = try inputs.optionalNode("events") else { throw inputs.invalid("events", "missing required key") }
    let events = try sources(eventsNode, key: "inputs.events", path: path)
    guard !events.isEmpty else { throw inputs.invalid("events", "needs at least one source") }
    // Standard input can be read once: a second source on "-" would find it empty.
    let piped = [cohort] + (identities.map { [$0.path] } ?? []) + (messages + events).map(\.path)
    if piped.filter({ $0 == "-" }).count > 1 {
      throw inputs.invalid(
        "events", "more than one input reads standard input (\"-\"), which can be read only once; give all but one a file path")
    }
    try inputs.rejectUnknownKeys()
    return .init(
      cohort: resolve(cohort, relativeTo: path), identities: identities, messages: messages, events: events)
  }

  private static func sources(_ node: JSONNode?, key: String, path: String) throws(ExperimentError)
    -> [SourceSpec]
  {
    guard let node else { return [] }
    if case .array(let items) = node.value {
      var result: [SourceSpec] = []
      for (index, item) in items.enumerated() {
        result.append(try source(item, key: "\(key)[\(index)]", path: path))
      }
      return result
    }
    return [try source(node, key: key, path: path)]
  }

  private static func source(_ node: JSONNode, key: String, path: String) throws(ExperimentError)
    -> SourceSpec
  {
    if case .string(let file) = node.value {
      guard !file.isEmpty else {
        throw .invalidExperiment(path: path, line: node.line, key: key, message: "the path is empty")
      }
      return SourceSpec(path: resolve(file, relativeTo: path))
    }
    var reader = try ObjectReader(node, path: path, keyPath: key)
    let file = try reader.string("path")
    guard !file.isEmpty else { throw reader.invalid("path", "the path is empty") }
    let formatName = try reader.optionalString("format") ?? SourceSpec.Format.holdout.rawValue
    guard let format = SourceSpec.Format(rawValue: formatName) else {
      throw reader.invalid("format", "unknown format '\(formatName)'; use one of \(SourceSpec.Format.names)")
    }
    var spec = SourceSpec(path: resolve(file, relativeTo: path), format: format)
    if let ids = try reader.optionalStringList("id") {
      let identities = try reader.optionalStringList("identity")
      if let identities, identities.count != ids.count {
        throw reader.invalid(
          "identity", "lists \(identities.count) names for \(ids.count) id fields; give one per id field (or 'unit')")
      }
      spec.ids = ids.enumerated().map { k, field in
        SourceSpec.IdentityField(field: field, identity: identities?[k] ?? SourceSpec.IdentityField.unit)
      }
    } else if reader.has("identity") {
      throw reader.invalid("identity", "needs 'id' beside it: the fields whose values these identities name")
    }
    if let fieldsNode = try reader.optionalNode("fields") {
      var fields = try ObjectReader(fieldsNode, path: path, keyPath: key + ".fields")
      spec.fields.event = try fields.optionalString("event")
      spec.fields.time = try fields.optionalString("time")
      spec.fields.value = try fields.optionalString("value")
      spec.fields.dedup = try fields.optionalStringList("dedup")
      spec.fields.channel = try fields.optionalString("channel")
      try fields.rejectUnknownKeys()
    }
    if let formatText = try reader.optionalString("time_format") {
      guard let timeFormat = TimeFormat(rawValue: formatText) else {
        throw reader.invalid(
          "time_format",
          "unknown time format '\(formatText)'; use one of \(TimeFormat.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      spec.timeFormat = timeFormat
    }
    if let zone = try reader.optionalString("timezone") {
      guard TimeZoneRule(zone) != nil else {
        throw reader.invalid(
          "timezone",
          "'\(zone)' is not a time zone; use UTC, an offset such as +05:30, or an IANA name such as America/Los_Angeles")
      }
      spec.timeZone = zone
    }
    spec.event = try reader.optionalString("event")
    if let renameNode = try reader.optionalNode("rename") {
      let renames = try ObjectReader(renameNode, path: path, keyPath: key + ".rename")
      for name in renames.keys {
        var copy = renames
        guard let target = try copy.optionalString(name), !target.isEmpty else {
          throw renames.invalid(name, "must name the experiment's event this one becomes")
        }
        spec.rename.append(.init(from: name, to: target))
      }
    }
    try reader.rejectUnknownKeys()
    if format == .csv || format == .jsonl {
      guard spec.ids != nil else {
        throw reader.invalid("id", "a '\(format.rawValue)' source needs 'id': the field(s) naming the user")
      }
      guard spec.fields.time != nil else {
        throw reader.invalid("fields", "a '\(format.rawValue)' source needs fields.time")
      }
      guard spec.fields.event != nil || spec.event != nil else {
        throw reader.invalid("fields", "a '\(format.rawValue)' source needs fields.event or a constant 'event'")
      }
    }
    return spec
  }
}
