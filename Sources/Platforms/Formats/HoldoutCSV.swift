extension PlatformFormat {
  /// Holdout's own CSV: `user_id,event,timestamp[,value][,event_id|message_id][,channel]`
  /// (docs/inputs.md). Times in any form `TimeFormat.auto` reads; events are de-duplicated by
  /// `event_id`, messages by `message_id` + event name; a message's channel is its `channel`
  /// column, else the event name before `_` (`sms_delivered` → `sms`).
  static let holdoutCSV = PlatformFormat(
    format: .holdout,
    defaults: { role in
      var layout = SourceLayout(
        ids: [.init(field: "user_id")], event: .field(["event"], fallback: nil), times: ["timestamp"],
        values: role == .events ? ["value"] : [],
        dedup: role == .events ? [["event_id"]] : [["message_id"], ["event"]])
      layout.dedupRequires = role == .events ? "event_id" : "message_id"
      layout.channel = role == .messages ? .fieldOrEventPrefix("channel") : .none
      return layout
    },
    probe: FormatProbe(kind: .csv, all: ["user_id", "event", "timestamp"], reason: "user_id, event and timestamp columns (Holdout's CSV)"))
}
