import Experiment
import Ingest
import MeasurementModel

/// A `SourceLayout` compiled against one file's fields (JSON paths or CSV columns): reads each
/// record's parts into a `SourceRecord`, or says why the record cannot be used.
///
/// Checks, in order: not an event (Segment `type`), user ids (all absent → `empty_user_id`; an
/// object/array/boolean id → `wrong_type`), event name, time (absent → `missing_field`,
/// unparseable → `bad_timestamp`), value (non-numeric → `bad_number`, beyond ±1e9 units →
/// `value_out_of_range`), then the de-duplication key, channel and holdout marker.
package struct RecordExtractor {
  package let layout: SourceLayout
  private let idSlots: [Int]
  private let eventSlots: [Int]
  private var eventFallback: [UInt8]?
  private var eventJoin: (Int, Int)?
  private var eventConstant: [UInt8]?
  private let timeSlots: [Int]
  private let valueSlots: [Int]
  private var productSlots: (Int, Int)?
  private let dedupSlots: [[Int]]
  private var dedupRequiresSlot: Int?
  private var channelSlot = -1
  /// Each control marker's field slots (`SourceLayout.ControlMarker.fields`).
  private var controlSlots: [[Int]] = []
  private var typeSlot = -1
  private var typeValue: [UInt8] = []
  private let zone: TimeZoneRule?
  private let anonymousPrefix: [UInt8]
  /// The values the file's folders give fields of the layout (`SourceLayout.partitions`), by
  /// slot; a field the file cannot have gets a slot of its own below `firstFolderSlot`.
  private let folderValues: FolderValues

  /// Compiles `layout`; `slot` returns a field's slot (−1 when the file cannot have it).
  package init(layout: SourceLayout, zone: TimeZoneRule?, slot fileSlot: (String) -> Int) {
    self.layout = layout
    self.zone = zone
    var folderValues = FolderValues()
    func slot(_ name: String) -> Int {
      let found = fileSlot(name)
      guard let value = layout.partitionValue(of: name) else { return found }
      return folderValues.slot(for: found, value: Array(value.utf8))
    }
    anonymousPrefix = Array((layout.anonymousPrefix ?? "").utf8)
    idSlots = layout.ids.map { slot($0.field) }
    switch layout.event {
    case .field(let fields, let fallback):
      eventSlots = fields.map(slot)
      eventFallback = fallback.map { Array($0.utf8) }
    case .joined(let a, let b):
      eventSlots = []
      eventJoin = (slot(a), slot(b))
    case .constant(let name):
      eventSlots = []
      eventConstant = Array(name.utf8)
    }
    timeSlots = layout.times.map(slot)
    valueSlots = layout.values.map(slot)
    productSlots = layout.valueProduct.map { (slot($0.0), slot($0.1)) }
    dedupSlots = layout.dedup.map { $0.map(slot) }
    dedupRequiresSlot = layout.dedupRequires.map(slot)
    switch layout.channel {
    case .field(let name), .fieldOrEventPrefix(let name): channelSlot = slot(name)
    default: break
    }
    controlSlots = layout.control.map { $0.fields.map(slot) }
    if let only = layout.onlyType {
      typeSlot = slot(only.field)
      typeValue = Array(only.value.utf8)
    }
    self.folderValues = folderValues
  }

  /// A variant reading the event name as `<field>_<suffix>` and the time from `timeSlot`, for
  /// wide exports with one time column per metric (Customer.io's delivery CSV).
  package func wide(eventField: Int, suffix: String, timeSlot: Int) -> RecordExtractor {
    var copy = self
    copy.eventJoin = (eventField, Self.wideSuffixSlot)
    copy.wideSuffix = Array(suffix.utf8)
    copy.wideTimeSlot = timeSlot
    return copy
  }
  /// The second slot of a wide variant's joined event name: not a field, the metric `wideSuffix`.
  private static let wideSuffixSlot = -2
  private var wideSuffix: [UInt8] = []
  private var wideTimeSlot = -1
  /// The time column of a wide variant.
  package var timeSlotOfWide: Int { wideTimeSlot }

  /// True when field `slot` of `f` is present (not absent, null or empty).
  @inline(__always)
  private func present<F: RecordFields>(_ f: F, _ slot: Int) -> Bool {
    let kind = f.kind(slot)
    return kind != .absent && kind != .null
  }

  @inline(__always)
  private func firstPresent<F: RecordFields>(_ f: F, _ slots: [Int]) -> Int? {
    slots.first { present(f, $0) }
  }

  /// Appends field `slot` and returns its range in `r.text`.
  @inline(__always)
  private func append<F: RecordFields>(_ f: F, _ slot: Int, to r: inout SourceRecord) -> Range<Int> {
    let start = r.text.count
    f.appendText(slot, to: r.text)
    return start..<r.text.count
  }

  private func name(_ names: [String], _ slots: [Int], _ slot: Int) -> String {
    slots.firstIndex(of: slot).map { names[$0] } ?? "?"
  }

  /// Reads record `f` (at `line`) into `r`: with the file's folder values filling the fields
  /// the record lacks, when the layout names a folder key.
  @inline(__always)
  package func extract<F: RecordFields>(_ f: F, line: Int, into r: inout SourceRecord) -> Extraction {
    folderValues.isEmpty ? read(f, line: line, into: &r) : read(FolderFilledFields(base: f, values: folderValues), line: line, into: &r)
  }

  private func read<F: RecordFields>(_ f: F, line: Int, into r: inout SourceRecord) -> Extraction {
    r.reset(line: line, idCount: idSlots.count)
    if typeSlot != -1 && f.kind(typeSlot) == .string {
      let range = append(f, typeSlot, to: &r)
      if !r.text[range].elementsEqual(typeValue) { return .notAnEvent }
      r.text.removeAll()
    }
    var anyID = false
    for (k, slot) in idSlots.enumerated() {
      switch f.kind(slot) {
      case .absent, .null: continue
      case .string, .number:
        let range = append(f, slot, to: &r)
        if !anonymousPrefix.isEmpty && layout.ids[k].identity == SourceSpec.IdentityField.unit
          && r.text[range].starts(with: anonymousPrefix)
        {
          continue  // Mixpanel's `$device:…` is an anonymous id, never a unit id
        }
        if !range.isEmpty {
          r.ids[k] = range
          anyID = true
        }
      case .bool, .object, .array:
        return .rejected(.wrongType, "user id field '\(layout.ids[k].field)' is \(Self.describe(f.kind(slot)))")
      }
    }
    guard anyID else {
      if layout.ids.count == 1 { return .rejected(.emptyUserID, "\(layout.ids[0].field) is empty") }
      return .rejected(
        .emptyUserID, "no user id (looked in \(layout.ids.map(\.field).joined(separator: ", ")))")
    }
    if let rejection = readEvent(f, into: &r) { return rejection }
    if let rejection = readTime(f, into: &r) { return rejection }
    if let rejection = readValue(f, into: &r) { return rejection }
    readDedup(f, into: &r)
    readChannel(f, into: &r)
    readControl(f, into: &r)
    return .record
  }

  @inline(__always)
  private func readEvent<F: RecordFields>(_ f: F, into r: inout SourceRecord) -> Extraction? {
    let start = r.text.count
    if let eventConstant {
      r.text.append(contentsOf: eventConstant)
    } else if let (a, b) = eventJoin {
      guard f.kind(a) == .string else {
        return f.kind(a) == .absent || f.kind(a) == .null
          ? .rejected(.emptyEvent, "no event name")
          : .rejected(.wrongType, "the event name is \(Self.describe(f.kind(a)))")
      }
      f.appendText(a, to: r.text)
      r.text.append(UInt8(ascii: "_"))
      if b == Self.wideSuffixSlot {
        r.text.append(contentsOf: wideSuffix)
      } else {
        guard f.kind(b) == .string else {
          return f.kind(b) == .absent || f.kind(b) == .null
            ? .rejected(.emptyEvent, "no event name (its second part is missing)")
            : .rejected(.wrongType, "the event name's second part is \(Self.describe(f.kind(b)))")
        }
        f.appendText(b, to: r.text)
      }
    } else if let slot = firstPresent(f, eventSlots) {
      guard f.kind(slot) == .string else {
        return .rejected(.wrongType, "the event name is \(Self.describe(f.kind(slot)))")
      }
      f.appendText(slot, to: r.text)
    } else if let eventFallback {
      r.text.append(contentsOf: eventFallback)
    }
    r.event = start..<r.text.count
    if r.event.isEmpty {
      return .rejected(.emptyEvent, "no event name" + (layout.eventHint.map { " (\($0))" } ?? ""))
    }
    return nil
  }

  @inline(__always)
  private func readTime<F: RecordFields>(_ f: F, into r: inout SourceRecord) -> Extraction? {
    // A wide row's own time column, else the layout's time fields in order (no array is built
    // per record: this runs for every row).
    let found = wideTimeSlot >= 0 ? (present(f, wideTimeSlot) ? wideTimeSlot : nil) : firstPresent(f, timeSlots)
    guard let slot = found else {
      return .rejected(.missingField, "no time (looked in \(wideTimeSlot >= 0 ? "its column" : layout.times.joined(separator: ", ")))")
    }
    let kind = f.kind(slot)
    guard kind == .string || kind == .number else {
      return .rejected(.wrongType, "the time is \(Self.describe(kind))")
    }
    guard let reading = withText(f, slot, &r, { layout.timeFormat.read($0) }) else {
      let field = wideTimeSlot >= 0 ? "time" : layout.times[timeSlots.firstIndex(of: slot) ?? 0]
      let text = withText(f, slot, &r) { VisibleText.quoted($0) }
      return .rejected(.badTimestamp, "\(field) \(text) is not a timestamp (\(layout.timeFormat.example))")
    }
    r.time = reading.isZoned ? reading.micros : (zone?.utc(fromLocal: reading.micros) ?? reading.micros)
    return nil
  }

  /// Calls `body` with field `slot`'s text: in place when the fields lie unescaped (CSV), else
  /// copied to the end of `r.text` and removed again.
  @inline(__always)
  private func withText<F: RecordFields, R>(
    _ f: F, _ slot: Int, _ r: inout SourceRecord, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    if let direct = f.directText(slot) { return body(direct) }
    let range = append(f, slot, to: &r)
    defer { r.text.removeSubrange(range) }
    return body(r.text[range])
  }

  @inline(__always)
  private func readValue<F: RecordFields>(_ f: F, into r: inout SourceRecord) -> Extraction? {
    var failure: Extraction? = nil
    func parse(_ slot: Int) -> Int64? {
      let kind = f.kind(slot)
      guard kind == .string || kind == .number else {
        failure = .rejected(.wrongType, "the value is \(Self.describe(kind))")
        return nil
      }
      guard let micros = withText(f, slot, &r, { Decimal.parseMicros($0) }) else {
        let text = withText(f, slot, &r) { VisibleText.quoted($0) }
        failure = .rejected(.badNumber, "value \(text) is not a number")
        return nil
      }
      guard micros.magnitude <= MeasurementLimits.maximumMagnitude else {
        let text = withText(f, slot, &r) { VisibleText.quoted($0) }
        failure = .rejected(.valueOutOfRange, "value \(text) is beyond ±\(MeasurementLimits.maximumUnits)")
        return nil
      }
      return micros
    }
    if let slot = firstPresent(f, valueSlots) {
      guard let micros = parse(slot) else { return failure }
      r.value = micros
    } else if let (a, b) = productSlots, present(f, a), present(f, b) {
      guard let price = parse(a), let quantity = parse(b) else { return failure }
      let product = Int128(price) * Int128(quantity) / Int128(Decimal.scale)
      guard product.magnitude <= UInt128(MeasurementLimits.maximumMagnitude) else {
        return .rejected(.valueOutOfRange, "price × quantity is beyond ±\(MeasurementLimits.maximumUnits)")
      }
      r.value = Int64(product)
    }
    return nil
  }

  @inline(__always)
  private func readDedup<F: RecordFields>(_ f: F, into r: inout SourceRecord) {
    if let required = dedupRequiresSlot, !present(f, required) { return }
    let start = r.text.count
    var parts = 0
    for alternatives in dedupSlots {
      guard let slot = firstPresent(f, alternatives) else {
        r.text.append(DedupKey.absent)
        continue
      }
      f.appendText(slot, to: r.text)
      r.text.append(DedupKey.separator)
      parts += 1
    }
    if !wideSuffix.isEmpty { r.text.append(contentsOf: wideSuffix) }
    if parts == 0 {
      r.text.removeSuffix(from: start)
      return
    }
    r.dedup = start..<r.text.count
  }

  @inline(__always)
  private func readChannel<F: RecordFields>(_ f: F, into r: inout SourceRecord) {
    let event = r.event
    let text = r.text
    func set(_ bytes: [UInt8]) {
      guard !bytes.isEmpty else { return }
      let start = text.count
      text.append(contentsOf: bytes)
      r.channel = start..<text.count
    }
    switch layout.channel {
    case .none: return
    case .field, .fieldOrEventPrefix:
      if channelSlot != -1, f.kind(channelSlot) == .string {
        let range = append(f, channelSlot, to: &r)
        if range.isEmpty || text[range].elementsEqual("customer".utf8) {
          text.removeSubrange(range)
        } else {
          r.channel = range
          return
        }
      }
      guard case .fieldOrEventPrefix = layout.channel else { return }
      let length = ChannelName.prefix(ofEvent: text[event]).count
      if length > 0 {
        let start = text.count
        text.appendCopy(of: event.lowerBound..<(event.lowerBound + length))
        r.channel = start..<text.count
      }
    case .eventSegment(let prefix, let terminator):
      let name = Array(text[event])
      guard name.starts(with: prefix.utf8) else { return }
      let rest = name[prefix.utf8.count...]
      let end = rest.firstIndex(where: { terminator.utf8.contains($0) }) ?? rest.endIndex
      set(Array(rest[rest.startIndex..<end]))
    case .camelCasePrefix(let channels):
      let name = Array(text[event])
      for channel in channels where name.starts(with: channel.utf8) && name.count > channel.utf8.count {
        let next = name[channel.utf8.count]
        if next >= 0x41 && next <= 0x5A {
          set(Array(channel.utf8))
          return
        }
      }
    case .nameSuffix(let suffixes):
      let name = Array(text[event])
      for (suffix, channel) in suffixes
      where name.count > suffix.utf8.count && name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) {
        set(Array(channel.utf8))
        return
      }
    }
  }

  @inline(__always)
  private func readControl<F: RecordFields>(_ f: F, into r: inout SourceRecord) {
    // Checked before the event name is copied: most layouts have no control marker, and this
    // runs for every row.
    if layout.control.isEmpty { return }
    let name = r.text[r.event]
    for (k, marker) in layout.control.enumerated() where marker.event.matches(name) {
      if marker.fields.isEmpty {
        r.control = true
      } else if let slot = firstPresent(f, controlSlots[k]) {
        r.control = fieldEquals(f, slot, marker.value, in: &r)
      }
      return
    }
  }

  /// True when field `slot`'s text is `expected` (copied to the end of the record's text for
  /// the comparison, and removed again).
  private func fieldEquals<F: RecordFields>(_ f: F, _ slot: Int, _ expected: String, in r: inout SourceRecord) -> Bool {
    withText(f, slot, &r) { $0.elementsEqual(expected.utf8) }
  }

  package static func describe(_ kind: JSONScanner.Field.Kind) -> String {
    switch kind {
    case .absent: return "absent"
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .object: return "an object"
    case .array: return "an array"
    }
  }
}
