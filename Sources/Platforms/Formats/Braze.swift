extension PlatformFormat {
  /// Braze Currents events as JSON (`avro-tools tojson`, or the HTTP connector's shape): the user
  /// in `external_user_id` (else Braze's `user_id`, email), the event in `event_type`
  /// (`users.messages.email.Send`), else the `event_type=` folder of the storage path; `time` in
  /// epoch seconds (`TimeFormat.auto`); de-duplicated by `id`. The channel is the part after
  /// `users.messages.`; holdout users are marked by `users.campaigns.EnrollInControl` events and
  /// by `users.canvas.Entry` with `in_control_group` true. Avro unions arrive as `{"type": value}`
  /// and are unwrapped.
  static let braze = PlatformFormat(
    format: .braze, displayName: "Braze Currents", usualRole: .messages,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [
          .init(field: "external_user_id"), .init(field: "user.external_user_id"),
          .init(field: "user_id", identity: "braze_id"), .init(field: "user.user_id", identity: "braze_id"),
          .init(field: "email_address", identity: "email"), .init(field: "properties.email_address", identity: "email"),
        ],
        event: .field(["event_type"], fallback: nil), times: ["time"], values: ["price", "properties.price"],
        dedup: [["id"]])
      layout.channel = .eventSegment(after: "users.messages.", until: ".")
      layout.control = [
        SourceLayout.ControlMarker(event: .exact("users.campaigns.EnrollInControl")),
        SourceLayout.ControlMarker(
          event: .exact("users.canvas.Entry"), fields: ["in_control_group", "properties.in_control_group"], value: "true"),
      ]
      layout.unwrapsUnions = true
      return layout
    },
    eventFolderKey: "event_type",
    probe: FormatProbe(
      kind: .json, all: ["id", "time"], any: ["external_user_id", "user_id", "user", "app_group_id"],
      reason: "id, time and Braze user fields (Braze Currents)"))
}
