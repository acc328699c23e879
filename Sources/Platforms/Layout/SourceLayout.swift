import Experiment
import Ingest
import MeasurementModel

/// Where a format keeps each part of an event: the platform's defaults (docs/inputs.md) with the
/// experiment file's overrides applied. Fields are dotted paths in JSON and column names in CSV.
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
  package enum ChannelRule: Sendable, Equatable {
    case none
    /// A field's value (`customer`, a non-channel, is ignored).
    case field(String)
    /// A field's value, else the event name's part before the first `_` (Holdout's
    /// `sms_delivered` → `sms`).
    case fieldOrEventPrefix(String)
    /// Braze: `users.messages.<channel>.<Verb>`.
    case brazeEventType
    /// Iterable: the camel-case prefix of a message event (`smsSend` → `sms`).
    case iterablePrefix
    /// Klaviyo: the metric name's last word (`Received Email` → `email`).
    case klaviyoMetric
  }

  /// How holdout (control) markers are recognised.
  package enum ControlRule: Sendable, Equatable {
    case none
    /// Braze: `users.campaigns.EnrollInControl`, or `users.canvas.Entry` with this field true.
    case braze(inControlGroup: [String])
    /// Iterable: a `…SendSkip` event whose reason field says `ExperimentHoldOut`.
    case iterable(reason: [String])
  }

  package var ids: [SourceSpec.IdentityField]
  package var event: EventRule
  package var times: [String]
  package var timeFormat: TimeFormat
  package var values: [String]
  /// Amplitude: `$price × $quantity` when no revenue field is present.
  package var valueProduct: (String, String)? = nil
  /// The parts of the de-duplication key, each the first present of its alternatives; absent
  /// parts are skipped, and a record with no part present is not de-duplicated.
  package var dedup: [[String]]
  /// Mixpanel: de-duplicate only when this field is present (`$insert_id`).
  package var dedupRequires: String? = nil
  package var channel: ChannelRule = .none
  package var control: ControlRule = .none
  /// Segment: records whose `type` field is present and not this value are not events.
  package var onlyType: (field: String, value: String)? = nil
  /// Braze's avro-tools JSON wraps nullable values in `{"type": value}`.
  package var unwrapsUnions = false
  /// Mixpanel: a `unit` id starting with this (`$device:`) is an anonymous id, not a unit id, and
  /// is skipped so that the next id field (`$device_id`) can resolve the event.
  package var anonymousPrefix: String? = nil
  /// A hint added to `empty_event` rejections (Iterable export lines carry no event name).
  package var eventHint: String? = nil

  /// The layout of `spec`: its format's defaults, then its overrides.
  package init(_ spec: SourceSpec, role: SourceRole) {
    func id(_ field: String, _ identity: String = SourceSpec.IdentityField.unit) -> SourceSpec.IdentityField {
      .init(field: field, identity: identity)
    }
    timeFormat = spec.timeFormat
    switch spec.format {
    case .holdout:
      ids = [id("user_id")]
      event = .field(["event"], fallback: nil)
      times = ["timestamp"]
      values = role == .events ? ["value"] : []
      dedup = role == .events ? [["event_id"]] : [["message_id"], ["event"]]
      dedupRequires = role == .events ? "event_id" : "message_id"
      channel = role == .messages ? .fieldOrEventPrefix("channel") : .none
    case .csv, .jsonl:
      ids = []
      event = .field([], fallback: nil)
      times = []
      values = []
      dedup = []
    case .customerio:
      ids = [
        id("data.identifiers.id"), id("data.customer_id"), id("data.identifiers.email", "email"),
        id("data.identifiers.cio_id", "cio_id"),
      ]
      event = .joined("object_type", "metric")
      times = ["timestamp"]
      values = []
      dedup = [["event_id"]]
      channel = .field("object_type")
    case .customerioCSV:
      ids = [id("customer_id"), id("email", "email")]
      event = .field([], fallback: nil)  // one record per `<metric>_at` column; see MappedCSVReader
      times = []
      values = []
      dedup = [["delivery_id"]]
      channel = .field("type")
    case .braze:
      ids = [
        id("external_user_id"), id("user.external_user_id"), id("user_id", "braze_id"),
        id("user.user_id", "braze_id"), id("email_address", "email"),
        id("properties.email_address", "email"),
      ]
      event = .field(["event_type"], fallback: nil)
      times = ["time"]
      values = ["price", "properties.price"]
      dedup = [["id"]]
      channel = .brazeEventType
      control = .braze(inControlGroup: ["in_control_group", "properties.in_control_group"])
      unwrapsUnions = true
    case .iterable, .iterableCSV:
      ids = [id("userId"), id("email", "email"), id("dataFields.email", "email")]
      event = .field(["eventName"], fallback: nil)
      times = spec.format == .iterable ? ["dataFields.createdAt", "createdAt"] : ["createdAt"]
      values = spec.format == .iterable ? ["dataFields.total", "total"] : ["total"]
      dedup =
        spec.format == .iterable
        ? [
          ["eventName"], ["dataFields.messageId", "messageId"], ["userId"], ["email"],
          ["dataFields.createdAt", "createdAt"], ["dataFields.url", "url"],
        ]
        : [["eventName"], ["messageId"], ["userId"], ["email"], ["createdAt"], ["url"]]
      channel = .iterablePrefix
      eventHint = "Iterable export lines carry no event name: set \"event\" to the export's dataTypeName (e.g. \"emailSend\")"
      control = .iterable(reason: spec.format == .iterable ? ["dataFields.reason", "reason"] : ["reason"])
    case .klaviyo:
      ids = [
        id("profile.external_id"), id("profile.email", "email"), id("profile.phone_number", "phone"),
        id("profile.id", "klaviyo_id"),
      ]
      event = .field(["metric.name"], fallback: nil)
      times = ["attributes.timestamp", "attributes.datetime"]
      values = ["attributes.event_properties.$value", "attributes.event_properties.value"]
      dedup = [["id"]]
      channel = .klaviyoMetric
    case .amplitude:
      ids = [id("user_id"), id("amplitude_id", "amplitude_id"), id("device_id", "device_id")]
      event = .field(["event_type"], fallback: nil)
      times = ["event_time"]
      values = ["event_properties.$revenue"]
      valueProduct = ("event_properties.$price", "event_properties.$quantity")
      dedup = [["uuid", "$insert_id"]]
    case .mixpanel:
      ids = [
        id("properties.$user_id"), id("properties.distinct_id"), id("properties.$device_id", "device_id"),
      ]
      event = .field(["event"], fallback: nil)
      times = ["properties.time"]
      values = ["properties.revenue"]
      dedup = [["event"], ["properties.distinct_id"], ["properties.time"], ["properties.$insert_id"]]
      dedupRequires = "properties.$insert_id"
      anonymousPrefix = "$device:"
    case .segment:
      ids = [id("userId"), id("anonymousId", "anonymous_id")]
      event = .field(["event"], fallback: nil)
      times = ["timestamp"]
      values = ["properties.revenue"]
      dedup = [["messageId"]]
      onlyType = ("type", "track")
    }
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
