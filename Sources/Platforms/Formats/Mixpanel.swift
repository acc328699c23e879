extension PlatformFormat {
  /// Mixpanel raw export JSON lines: the user in `properties.$user_id`, else `distinct_id`
  /// (a `$device:` distinct id is anonymous and skipped), else `$device_id`; the event in
  /// `event`; the time in `properties.time`, epoch seconds (`TimeFormat.auto`); the value in
  /// `properties.revenue`. Only events with `$insert_id` are de-duplicated, by event, distinct
  /// id, time and insert id (Mixpanel's own rule).
  static let mixpanel = PlatformFormat(
    format: .mixpanel,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [
          .init(field: "properties.$user_id"), .init(field: "properties.distinct_id"),
          .init(field: "properties.$device_id", identity: "device_id"),
        ],
        event: .field(["event"], fallback: nil), times: ["properties.time"], values: ["properties.revenue"],
        dedup: [["event"], ["properties.distinct_id"], ["properties.time"], ["properties.$insert_id"]])
      layout.dedupRequires = "properties.$insert_id"
      layout.anonymousPrefix = "$device:"
      return layout
    },
    probe: FormatProbe(kind: .json, all: ["event", "properties.time"], reason: "event and properties.time (Mixpanel raw export)"))
}
