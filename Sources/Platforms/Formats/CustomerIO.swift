extension PlatformFormat {
  /// Customer.io reporting webhooks, one JSON object per line: the user in
  /// `data.identifiers.id` (else `data.customer_id`, email, `cio_id`), the event name
  /// `object_type` + `_` + `metric` (`email_delivered`), `timestamp` in epoch seconds (read by
  /// `TimeFormat.auto`), de-duplicated by `event_id`, the channel in `object_type`.
  static let customerIO = PlatformFormat(
    format: .customerio, usualRole: .messages,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [
          .init(field: "data.identifiers.id"), .init(field: "data.customer_id"),
          .init(field: "data.identifiers.email", identity: "email"),
          .init(field: "data.identifiers.cio_id", identity: "cio_id"),
        ],
        event: .joined("object_type", "metric"), times: ["timestamp"], values: [], dedup: [["event_id"]])
      layout.channel = .field("object_type")
      return layout
    },
    probe: FormatProbe(
      kind: .json, all: ["object_type", "metric"], reason: "object_type and metric fields (Customer.io reporting webhooks)"),
    holdoutDeliveryNote: customerIOTrapNote)

  /// Customer.io's delivery export: one CSV row per delivery with one `<Metric> At` column per
  /// metric, read as one record per filled cell (event `<type>_<metric>`, time the cell),
  /// de-duplicated by `Delivery ID`, the channel in `Type`.
  static let customerIOCSV = PlatformFormat(
    format: .customerioCSV, usualRole: .messages,
    defaults: { _ in
      var layout = SourceLayout(
        ids: [.init(field: "customer_id"), .init(field: "email", identity: "email")],
        // One record per `<metric>_at` column (`wideMetrics`): the name and time come from it.
        event: .field([], fallback: nil), times: [], values: [], dedup: [["delivery_id"]])
      layout.channel = .field("type")
      return layout
    },
    wideMetrics: WideMetricColumns(
      typeColumn: "type", typeHeader: "Type",
      metrics: [
        "drafted", "attempted", "sent", "delivered", "opened", "clicked", "converted", "unsubscribed", "bounced",
        "dropped", "spammed", "failed", "undeliverable", "replied",
      ]
    ),
    probe: FormatProbe(
      kind: .csv, all: ["delivery_id", "type"], anySuffix: "_at",
      reason: "Delivery ID, Type and <metric> At columns (Customer.io delivery export)"),
    holdoutDeliveryNote: customerIOTrapNote)

  private static let customerIOTrapNote =
    "; with Customer.io these may be trap deliveries (generated for holdout people, not sent): export without the holdout branch's action, or check in the workspace"
}
