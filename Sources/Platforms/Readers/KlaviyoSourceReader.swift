import Experiment
import Ingest
import MeasurementModel

/// Reads Klaviyo Events API responses (`GET /api/events?include=metric,profile`): one or more
/// JSON:API page documents in a file (saved pages concatenated, pretty-printed or not).
///
/// An event's name is not on the event: it is the `name` of the `included` metric its
/// `relationships.metric` points to; its profile's `external_id`, `email` and `phone_number`
/// come from the `included` profile (fields `metric.name`, `profile.<attribute>`, `profile.id`).
/// Other fields are dotted paths inside the `data[]` entry (`attributes.timestamp`). A record's
/// line is the line of its `data[]` entry. Pages are small (at most 1,000 events), so each is
/// parsed as a tree; a file that is not valid JSON stops with its line and column.
package struct KlaviyoSourceReader {
  package let spec: SourceSpec
  package let layout: SourceLayout
  package let zone: TimeZoneRule?

  package func forEachRecord(_ body: (inout SourceRecord, Extraction) throws -> Bool) throws {
    let bytes = try ByteSource(path: spec.path).readAll(limit: 1 << 30, what: "a Klaviyo JSON:API export (read whole)")
    let documents = try JSONNode.parseSequence(bytes, path: spec.path)
    var names: [String] = []
    let extractor = RecordExtractor(layout: layout, zone: zone) { name in
      if let index = names.firstIndex(of: name) { return index }
      names.append(name)
      return names.count - 1
    }
    let paths = names.map(JSONFieldPaths.split)
    var record = SourceRecord()
    for document in documents {
      guard let events = Self.member(document, "data") else {
        throw IngestError.invalidJSON(
          path: spec.path, line: document.line, column: 1,
          message: "a Klaviyo page needs a \"data\" array (save the response of GET /api/events)")
      }
      var metrics: [String: JSONNode] = [:]
      var profiles: [String: JSONNode] = [:]
      if case .array(let included) = Self.member(document, "included")?.value {
        for item in included {
          guard case .string(let type) = Self.member(item, "type")?.value,
            case .string(let id) = Self.member(item, "id")?.value
          else { continue }
          if type == "metric" { metrics[id] = item }
          if type == "profile" { profiles[id] = item }
        }
      }
      let entries: [JSONNode]
      if case .array(let list) = events.value { entries = list } else { entries = [events] }
      for entry in entries {
        if case .string(let type) = Self.member(entry, "type")?.value, type != "event" {
          record.reset(line: entry.line, idCount: 0)
          if try !body(&record, .notAnEvent) { return }
          continue
        }
        let fields = KlaviyoFields(
          nodes: paths.map { Self.resolve($0, in: entry, metrics: metrics, profiles: profiles) })
        if try !body(&record, extractor.extract(fields, line: entry.line, into: &record)) { return }
      }
    }
  }

  package static func member(_ node: JSONNode, _ key: String) -> JSONNode? {
    guard case .object(let members) = node.value else { return nil }
    return members.first { $0.key == key }?.node
  }

  package static func path(_ names: some Collection<String>, in node: JSONNode) -> JSONNode? {
    var current = node
    for name in names {
      guard let next = member(current, name) else { return nil }
      current = next
    }
    return current
  }

  /// A field of an event: `metric.*` and `profile.*` through the page's `included` resources.
  package static func resolve(
    _ names: [String], in entry: JSONNode, metrics: [String: JSONNode], profiles: [String: JSONNode]
  ) -> JSONNode? {
    guard let head = names.first, head == "metric" || head == "profile", names.count >= 2 else {
      return path(names, in: entry)
    }
    guard case .string(let id) = path(["relationships", head, "data", "id"], in: entry)?.value else {
      return nil
    }
    if names == [head, "id"] { return path(["relationships", head, "data", "id"], in: entry) }
    guard let resource = (head == "metric" ? metrics : profiles)[id] else { return nil }
    return path(["attributes"] + names.dropFirst(), in: resource)
  }
}

/// The fields of one Klaviyo event, resolved to tree nodes.
package struct KlaviyoFields: RecordFields {
  package let nodes: [JSONNode?]

  package func kind(_ slot: Int) -> JSONScanner.Field.Kind {
    guard slot >= 0, let node = nodes[slot] else { return .absent }
    switch node.value {
    case .null: return .null
    case .bool: return .bool
    case .number: return .number
    case .string(let text): return text.isEmpty ? .absent : .string
    case .array: return .array
    case .object: return .object
    }
  }

  package func appendText(_ slot: Int, to output: RecordText) {
    guard slot >= 0, let node = nodes[slot] else { return }
    switch node.value {
    case .string(let text): output.append(contentsOf: text.utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .number(let value):
      if value == value.rounded(), abs(value) < 9e15 {
        output.append(contentsOf: String(Int64(value)).utf8)
      } else {
        output.append(contentsOf: "\(value)".utf8)
      }
    default: return
    }
  }
}
