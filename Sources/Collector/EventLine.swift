import Ingest

/// One stored line: an event object as it was received, with the receipt time added as its
/// first member and the line breaks between its tokens turned into spaces (JSON strings cannot
/// hold a raw line break, so only whitespace changes and the line stays one event):
///
///     {"holdout_received_at":"2026-12-07T17:04:05.123456Z","event_id":"01J…", … }
///
/// Every other byte of the event is kept as sent, so the stored line is what the platform's
/// format reader expects (`customerio`, `braze`, `iterable`, a generic mapping); readers
/// ignore the added member unless a mapping names it.
enum EventLine {
  /// The member added to every stored event.
  static let receivedKey = "holdout_received_at"

  /// The line for the object at `range` of `bytes` (a range `JSONSpans` checked), received at
  /// `receivedAt` µs since the epoch; `isEmpty` tells whether the object has no members.
  static func make(_ bytes: [UInt8], object range: Range<Int>, isEmpty: Bool, receivedAt: Int64) -> [UInt8] {
    var line: [UInt8] = []
    line.reserveCapacity(range.count + 48)
    line.append(contentsOf: "{\"\(receivedKey)\":\"\(Timestamp.format(receivedAt))\"".utf8)
    if !isEmpty { line.append(UInt8(ascii: ",")) }
    for k in (range.lowerBound + 1)..<range.upperBound {
      let c = bytes[k]
      line.append(c == 0x0A || c == 0x0D ? 0x20 : c)
    }
    return line
  }
}
