extension PlatformFormat {
  /// Klaviyo Events API JSON:API pages (`GET /api/events`, one or more page documents per file,
  /// read whole by `KlaviyoSourceReader`): the user in the included profile (`external_id`, else
  /// email, phone, Klaviyo id), the event in `metric.name` (`Received Email`), the time in
  /// `attributes.timestamp` (epoch seconds) or `attributes.datetime` (ISO-8601 with offset), the
  /// value in `event_properties.$value`, de-duplicated by `id`. The channel is the metric name's
  /// last word.
  static let klaviyo = PlatformFormat(
    format: .klaviyo, usualRole: .messages,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [
          .init(field: "profile.external_id"), .init(field: "profile.email", identity: "email"),
          .init(field: "profile.phone_number", identity: "phone"), .init(field: "profile.id", identity: "klaviyo_id"),
        ],
        event: .field(["metric.name"], fallback: nil), times: ["attributes.timestamp", "attributes.datetime"],
        values: ["attributes.event_properties.$value", "attributes.event_properties.value"], dedup: [["id"]])
      layout.channel = .nameSuffix([(" Email", "email"), (" SMS", "sms"), (" Push", "push")])
      return layout
    },
    probe: FormatProbe(
      kind: .jsonAPIDocument, all: ["data"], textMarker: "\"relationships\"",
      reason: "a JSON:API document with data[] and relationships (Klaviyo events)"))
}
