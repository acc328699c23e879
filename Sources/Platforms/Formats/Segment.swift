extension PlatformFormat {
  /// Segment track calls as JSON lines (the S3 destination's files): the user in `userId`, else
  /// `anonymousId` through the identities file; the event in `event`; the time in `timestamp`
  /// (ISO-8601, `TimeFormat.auto`); the value in `properties.revenue`; de-duplicated by
  /// `messageId`. Only `type` = `track` records are events (identify, page… are not).
  static let segment = PlatformFormat(
    format: .segment,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [.init(field: "userId"), .init(field: "anonymousId", identity: "anonymous_id")],
        event: .field(["event"], fallback: nil), times: ["timestamp"], values: ["properties.revenue"],
        dedup: [["messageId"]])
      layout.onlyType = ("type", "track")
      return layout
    },
    probe: FormatProbe(kind: .json, all: ["messageId"], any: ["type", "event"], reason: "messageId and type/event (Segment)"))
}
