extension PlatformFormat {
  /// Iterable system webhooks or Export API JSON lines: the user in `userId` (else email), the
  /// event in `eventName` (export lines carry none: the source's `event` names it), the time in
  /// `dataFields.createdAt` or `createdAt` (`2025-03-04 15:00:07 +00:00`, read by
  /// `TimeFormat.auto`), the value in `total`. No event id: the de-duplication key is event name,
  /// message id, user, email, time and URL. The channel is the camel-case prefix of the event
  /// (`smsSend` → `sms`); a `…SendSkip` whose reason is `ExperimentHoldOut` marks a holdout user.
  static let iterable = PlatformFormat(
    format: .iterable, usualRole: .messages, defaults: { _ in iterableLayout(prefix: "dataFields.") },
    probe: FormatProbe(kind: .json, all: [], any: ["eventName", "dataFields"], reason: "eventName / dataFields (Iterable)"))

  /// Iterable Export API CSV: the same fields as columns, one event type per file, unnamed.
  static let iterableCSV = PlatformFormat(
    format: .iterableCSV, usualRole: .messages, defaults: { _ in iterableLayout(prefix: nil) },
    missingEventHint:
      "an Iterable CSV export holds one event type and does not name it; set \"event\" to the export's dataTypeName (e.g. \"emailSend\") for this source, or --event with inspect",
    probe: FormatProbe(
      kind: .csv, all: ["createdat"], any: ["messageid", "campaignid"],
      reason: "createdAt with messageId / campaignId (Iterable CSV export)"))

  /// The JSON layout looks in `dataFields.` first (`prefix`), then at the top level; CSV columns
  /// have no prefix.
  private static func iterableLayout(prefix: String?) -> SourceLayout {
    func field(_ name: String) -> [String] { prefix.map { [$0 + name, name] } ?? [name] }
    var layout = SourceLayout(
      ids: [
        .init(field: "userId"), .init(field: "email", identity: "email"), .init(field: "dataFields.email", identity: "email"),
      ],
      event: .field(["eventName"], fallback: nil), times: field("createdAt"), values: field("total"),
      dedup: [["eventName"], field("messageId"), ["userId"], ["email"], field("createdAt"), field("url")])
    layout.channel = .camelCasePrefix(["email", "sms", "push", "inApp", "webPush", "whatsApp"])
    layout.eventHint = "Iterable export lines carry no event name: set \"event\" to the export's dataTypeName (e.g. \"emailSend\")"
    layout.control = [SourceLayout.ControlMarker(event: .suffix("SendSkip"), fields: field("reason"), value: "ExperimentHoldOut")]
    return layout
  }
}
