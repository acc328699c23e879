import Ingest

/// The values a file's Hive-style folders (`…/channel=email/…`) give the fields a layout names,
/// by field slot (`SourceLayout.partitions`). A field the file has keeps its slot; a field the
/// file cannot have (a CSV column that is not there) gets a slot of its own, counting down from
/// `firstFolderSlot` (−1 is "absent" and −2 a wide export's metric suffix).
struct FolderValues: Sendable {
  /// The first slot given to a field only the folders hold.
  static let firstFolderSlot = -3
  private(set) var entries: [(slot: Int, value: [UInt8])] = []

  var isEmpty: Bool { entries.isEmpty }

  /// The slot under which field slot `found` (−1 when the file has no such field) is read,
  /// recording that the folders give it `value`.
  mutating func slot(for found: Int, value: [UInt8]) -> Int {
    if found >= 0 {
      if !entries.contains(where: { $0.slot == found }) { entries.append((found, value)) }
      return found
    }
    if let same = entries.first(where: { $0.slot < 0 && $0.value == value }) { return same.slot }
    let next = Self.firstFolderSlot - entries.count { $0.slot < 0 }
    entries.append((next, value))
    return next
  }

  /// The folder value of `slot`, if the folders give one.
  @inline(__always)
  func value(_ slot: Int) -> [UInt8]? {
    for entry in entries where entry.slot == slot { return entry.value }
    return nil
  }
}

/// A record's fields with the file's folder values filling in the ones it lacks: a field that
/// is absent, null or an empty CSV cell reads as the folder's value (a string); a field the
/// record carries is read as it is.
struct FolderFilledFields<Base: RecordFields>: RecordFields {
  let base: Base
  let values: FolderValues

  /// The folder value standing in for `slot`, when the record does not carry the field.
  @inline(__always)
  private func filled(_ slot: Int) -> [UInt8]? {
    if slot <= FolderValues.firstFolderSlot { return values.value(slot) }
    let kind = base.kind(slot)
    return kind == .absent || kind == .null ? values.value(slot) : nil
  }

  @inline(__always)
  func kind(_ slot: Int) -> JSONScanner.Field.Kind {
    if slot <= FolderValues.firstFolderSlot { return values.value(slot) == nil ? .absent : .string }
    let kind = base.kind(slot)
    if (kind == .absent || kind == .null) && values.value(slot) != nil { return .string }
    return kind
  }

  @inline(__always)
  func appendText(_ slot: Int, to output: RecordText) {
    if let value = filled(slot) {
      output.append(contentsOf: value)
    } else if slot > FolderValues.firstFolderSlot {
      base.appendText(slot, to: output)
    }
  }

  @inline(__always)
  func directText(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
    slot <= FolderValues.firstFolderSlot || filled(slot) != nil ? nil : base.directText(slot)
  }
}
