extension PlatformFormat {
  /// Amplitude Export API JSON lines (usually `.json.gz`): the user in `user_id` (else
  /// `amplitude_id`, `device_id` through the identities file), the event in `event_type`, the
  /// time in `event_time`, written `2025-03-04 15:00:07.123456` in UTC without a zone designator
  /// (read by `TimeFormat.auto` as UTC unless the source sets `timezone`), the value in
  /// `event_properties.$revenue`, else `$price × $quantity`; de-duplicated by `uuid`, else
  /// `$insert_id`.
  static let amplitude = PlatformFormat(
    format: .amplitude,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [
          .init(field: "user_id"), .init(field: "amplitude_id", identity: "amplitude_id"),
          .init(field: "device_id", identity: "device_id"),
        ],
        event: .field(["event_type"], fallback: nil), times: ["event_time"], values: ["event_properties.$revenue"],
        dedup: [["uuid", "$insert_id"]])
      layout.valueProduct = ("event_properties.$price", "event_properties.$quantity")
      return layout
    },
    probe: FormatProbe(
      kind: .json, all: ["event_type"], any: ["event_time", "amplitude_id", "uuid"],
      reason: "event_type with event_time / amplitude_id (Amplitude export)"))
}
