import Ingest
import MeasurementModel

/// One event as read from any source, before identity resolution and the join: the parts the
/// join needs, copied into one reusable byte buffer (no String per record).
package struct SourceRecord {
  /// The 1-based line where the record starts.
  package var line = 0
  /// The bytes of the ids, event name, channel and de-duplication key.
  package let text = RecordText()
  /// Per identity field of the layout: its value's range in `text`, nil when absent or empty.
  package var ids: [Range<Int>?] = []
  /// The event name's range (after renaming, resolved by the joiner).
  package var event = 0..<0
  /// The channel's range, when the source names one.
  package var channel: Range<Int>? = nil
  /// The de-duplication key's range, nil when the record has no key.
  package var dedup: Range<Int>? = nil
  /// The instant, microseconds since the epoch, UTC.
  package var time: Int64 = 0
  /// The value in micro-units, when present.
  package var value: Int64? = nil
  /// True for a holdout marker (Braze EnrollInControl, Iterable ExperimentHoldOut skip).
  package var control = false

  /// Clears the record for the next line.
  package mutating func reset(line: Int, idCount: Int) {
    self.line = line
    text.removeAll()
    if ids.count != idCount { ids = Array(repeating: nil, count: idCount) }
    else { ids.withUnsafeMutableBufferPointer { $0.update(repeating: nil) } }
    event = 0..<0
    channel = nil
    dedup = nil
    time = 0
    value = nil
    control = false
  }

  /// The bytes of `range` as a String (for examples in messages).
  package func string(_ range: Range<Int>) -> String {
    String(decoding: text[range], as: UTF8.self)
  }
}

/// What reading one record produced.
package enum Extraction {
  /// A record in `SourceRecord`.
  case record
  /// A record that cannot be used, with the reason and a detail for the example.
  case rejected(Reconciliation.Reason, String)
  /// Not an event at all (a Segment identify call), with a detail.
  case notAnEvent
}

/// Access to the fields of one record by slot, whatever the file type.
package protocol RecordFields {
  /// The JSON kind of the field in `slot` (CSV: `string`, or `absent` when empty); −1 is absent.
  func kind(_ slot: Int) -> JSONScanner.Field.Kind
  /// Appends the field's text (unescaped) to `output`.
  func appendText(_ slot: Int, to output: RecordText)
  /// The field's text where it already lies unescaped (a CSV field), valid while the record is
  /// read; nil when it must be copied out (`appendText`).
  func directText(_ slot: Int) -> UnsafeBufferPointer<UInt8>?
}

extension RecordFields {
  package func directText(_ slot: Int) -> UnsafeBufferPointer<UInt8>? { nil }
}
