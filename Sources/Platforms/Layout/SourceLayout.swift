import Experiment
import Ingest

/// Where a format keeps each part of an event: the platform's defaults (`PlatformFormat`, one
/// file per platform in `Formats/`) with the experiment file's overrides applied. Fields are
/// dotted paths in JSON and column names in CSV.
package struct SourceLayout: Sendable {
  /// How the event name is formed.
  package enum EventRule: Sendable, Equatable {
    /// The first present field of these; else the fallback name, when there is one.
    case field([String], fallback: String?)
    /// Two fields joined by `_` (Customer.io: `object_type` + `metric`).
    case joined(String, String)
    /// The same name for every record.
    case constant(String)
  }

  /// How the channel (for costs and exposure) is found.
  package enum ChannelRule: Sendable {
    case none
    /// A field's value (`customer`, a non-channel, is ignored).
    case field(String)
    /// A field's value, else the event name's part before the first `_` (Holdout's
    /// `sms_delivered` → `sms`; `ChannelName.prefix(ofEvent:)`).
    case fieldOrEventPrefix(String)
    /// The part of the event name between a prefix and the next terminator (Braze:
    /// `users.messages.<channel>.<Verb>`).
    case eventSegment(after: String, until: String)
    /// One of these channels when the event name starts with it followed by an upper-case
    /// letter (Iterable: `smsSend` → `sms`).
    case camelCasePrefix([String])
    /// The channel of the first suffix the event name ends with, with something before it
    /// (Klaviyo: `Received Email` → `email`).
    case nameSuffix([(suffix: String, channel: String)])

    /// The rule in words, for `holdout inspect`.
    package var summary: String {
      switch self {
      case .none: return "(none)"
      case .field(let field): return field
      case .fieldOrEventPrefix(let field): return "\(field), else the event name before '_'"
      case .eventSegment(let prefix, let terminator): return "\(prefix)<channel>\(terminator)* in the event type"
      case .camelCasePrefix(let channels): return "the event name's prefix (\(channels[0])Send → \(channels[0]))"
      case .nameSuffix(let suffixes):
        return "the metric name's last word (Received\(suffixes[0].suffix) → \(suffixes[0].channel))"
      }
    }
  }

  /// One way a platform marks a holdout (control) user in its message events.
  package struct ControlMarker: Sendable {
    /// Which event names carry the marker.
    package enum EventMatch: Sendable {
      /// The whole name.
      case exact(String)
      /// The name's end, with something before it (`…SendSkip`).
      case suffix(String)

      /// True when `name` matches.
      package func matches<C: Collection<UInt8>>(_ name: C) -> Bool {
        switch self {
        case .exact(let text): return name.elementsEqual(text.utf8)
        case .suffix(let text): return name.count > text.utf8.count && name.suffix(text.utf8.count).elementsEqual(text.utf8)
        }
      }

      /// The match in words, for `holdout inspect`.
      package var summary: String {
        switch self {
        case .exact(let text): return text
        case .suffix(let text): return "…" + text
        }
      }
    }

    /// The events that carry it.
    package var event: EventMatch
    /// The field (first present of these) that must equal `value`; empty when the event alone
    /// marks the user.
    package var fields: [String] = []
    /// The field's value that marks the user.
    package var value = ""

    /// The marker in words, for `holdout inspect`.
    package var summary: String {
      fields.isEmpty ? event.summary : "\(event.summary) with \(fields[0]) = \(value)"
    }
  }

  package var ids: [SourceSpec.IdentityField]
  package var event: EventRule
  package var times: [String]
  /// The time form. Every platform's default is `.auto`, which reads the forms platforms write
  /// (ISO-8601 with or without zone, epoch seconds/milliseconds/microseconds by magnitude);
  /// `time_format` in the experiment file narrows it.
  package var timeFormat: TimeFormat = .auto
  package var values: [String]
  /// Amplitude: `$price × $quantity` when no revenue field is present.
  package var valueProduct: (String, String)? = nil
  /// The parts of the de-duplication key, each the first present of its alternatives; absent
  /// parts are skipped, and a record with no part present is not de-duplicated.
  package var dedup: [[String]]
  /// Mixpanel: de-duplicate only when this field is present (`$insert_id`).
  package var dedupRequires: String? = nil
  package var channel: ChannelRule = .none
  /// How holdout users are marked, tried in order (empty: the platform marks none).
  package var control: [ControlMarker] = []
  /// Segment: records whose `type` field is present and not this value are not events.
  package var onlyType: (field: String, value: String)? = nil
  /// Braze's avro-tools JSON wraps nullable values in `{"type": value}`.
  package var unwrapsUnions = false
  /// Mixpanel: a `unit` id starting with this (`$device:`) is an anonymous id, not a unit id, and
  /// is skipped so that the next id field (`$device_id`) can resolve the event.
  package var anonymousPrefix: String? = nil
  /// A hint added to `empty_event` rejections (Iterable export lines carry no event name).
  package var eventHint: String? = nil
  /// The Hive-style `key=value` folder names on the way to the file (`FileTree.Partition`,
  /// outermost first). A field of this layout named exactly like a key (`channel` for
  /// `…/channel=email/…`) reads the folder's value wherever the record does not carry the field
  /// (absent, null, or an empty CSV cell), and a CSV file need not have that column; the
  /// record's own value wins. On a repeated key the innermost folder counts.
  package var partitions: [FileTree.Partition] = []

  /// Every field name the layout reads (ids, event, time, value, de-duplication, channel,
  /// holdout markers, type): the names a `key=value` folder can fill.
  package var fieldNames: Set<String> {
    var names = Set(ids.map(\.field) + times + values + dedup.flatMap { $0 })
    switch event {
    case .field(let fields, _): names.formUnion(fields)
    case .joined(let a, let b): names.formUnion([a, b])
    case .constant: break
    }
    if let (price, quantity) = valueProduct { names.formUnion([price, quantity]) }
    if let dedupRequires { names.insert(dedupRequires) }
    switch channel {
    case .field(let name), .fieldOrEventPrefix(let name): names.insert(name)
    default: break
    }
    names.formUnion(control.flatMap(\.fields))
    if let onlyType { names.insert(onlyType.field) }
    return names
  }

  /// The value the file's folders give field `name`, if any (`partitions`).
  package func partitionValue(of name: String) -> String? {
    partitions.last { $0.key == name }?.value
  }

  /// A layout of these fields, with no channel, marker or special rule.
  package init(
    ids: [SourceSpec.IdentityField], event: EventRule, times: [String], values: [String], dedup: [[String]]
  ) {
    self.ids = ids
    self.event = event
    self.times = times
    self.values = values
    self.dedup = dedup
  }

  /// The layout of `spec`: its format's defaults, then its overrides.
  package init(_ spec: SourceSpec, role: SourceRole) {
    self = PlatformFormat.of(spec.format).defaults(role)
    timeFormat = spec.timeFormat
    if let ids = spec.ids { self.ids = ids }
    if let field = spec.fields.event { event = .field([field], fallback: spec.event) }
    if let name = spec.event, spec.fields.event == nil {
      if case .field(let fields, _) = event, !fields.isEmpty {
        // A platform's own name field wins when present; the constant fills in for files
        // without it (Iterable CSV exports, Braze Currents files of one event type).
        event = .field(fields, fallback: name)
      } else {
        event = .constant(name)
      }
    }
    if let field = spec.fields.time { times = [field] }
    if let field = spec.fields.value { values = [field]; valueProduct = nil }
    if let fields = spec.fields.dedup { dedup = fields.map { [$0] }; dedupRequires = nil }
    if let field = spec.fields.channel { channel = .field(field) }
  }
}
