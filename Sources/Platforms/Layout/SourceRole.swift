/// What a source holds, which decides its format's defaults: the journey's messages (deliveries,
/// opens, clicks: exposure and costs) or behaviour events (orders, sessions: the metrics).
public enum SourceRole: String, Sendable {
  /// Message events from the messaging platform.
  case messages
  /// Behaviour events from the product analytics or commerce side.
  case events
}
