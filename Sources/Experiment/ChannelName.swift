/// A message's channel when its record names none: the event name's part before the first `_`
/// (`sms_delivered` → `sms`, `email_opened` → `email`; a name without `_` is its own channel).
/// Holdout's CSV and the warehouse tables name their message events this way (docs/inputs.md).
///
/// Written once for the three places that apply it: the file path's extractor (`RecordExtractor`,
/// Holdout CSV messages without a `channel` value), the resolver of exposures
/// (`RecordResolver`, any exposure without a channel) and the warehouse SQL (`QueryParts`,
/// which renders `separator` in the dialect's string functions).
public enum ChannelName {
  /// The byte that ends the channel part of an event name.
  public static let separator = UInt8(ascii: "_")

  /// The channel part of event name `name`: up to the first `separator`, or all of it.
  @inlinable
  public static func prefix<C: Collection<UInt8>>(ofEvent name: C) -> C.SubSequence {
    name[name.startIndex..<(name.firstIndex(of: separator) ?? name.endIndex)]
  }

  /// `separator` as an SQL string literal.
  public static var separatorLiteral: String { "'" + String(UnicodeScalar(separator)) + "'" }
}
