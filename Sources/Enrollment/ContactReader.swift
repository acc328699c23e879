import Experiment
import Ingest
import MeasurementModel
import Join

/// Reads a contact export (CSV with a header, or JSON lines) into `ContactRow`s in file order.
///
/// CSV: the configured columns are looked up in the header (the id and last-purchase columns
/// must exist; exit 65 naming the header otherwise). A row with the wrong number of fields or
/// an unclosed quote, and a JSON line that is not an object, is passed to `rejected` with its
/// line and reason; it is never silently dropped. JSON lines: the columns are dotted paths
/// (`profile.last_order_at`); strings, numbers and booleans are taken as their text.
struct ContactReader {
  let contacts: EntryDefinition.Contacts

  /// The configured columns in the order of `ContactRow`'s cells.
  private var columns: [String?] {
    [contacts.id, contacts.lastPurchase, contacts.consent, contacts.unsubscribed, contacts.email, contacts.phone]
      + contacts.copy.map { Optional($0) }
  }

  /// Calls `row` for every contact and `rejected(line, reason)` for every unreadable one.
  func read(row: (ContactRow) throws -> Void, rejected: (Int, String) throws -> Void) throws {
    switch contacts.format {
    case .csv: try readCSV(row: row, rejected: rejected)
    case .jsonl: try readJSONLines(row: row, rejected: rejected)
    }
  }

  private static func assign(_ values: [String?], to contact: inout ContactRow) {
    func cell(_ k: Int) -> String? {
      guard let value = values[k] else { return nil }
      let trimmed = value.trimmingSpaces
      return trimmed.isEmpty ? nil : trimmed
    }
    contact.id = cell(0)
    contact.lastPurchase = cell(1)
    contact.consent = cell(2)
    contact.unsubscribed = cell(3)
    contact.email = cell(4)
    contact.phone = cell(5)
    contact.copied = (6..<values.count).map { cell($0) ?? "" }
  }

  private func readCSV(row: (ContactRow) throws -> Void, rejected: (Int, String) throws -> Void) throws {
    var reader = try CSVReader(path: contacts.path)
    let header = try reader.readHeader()
    var indices: [Int?] = []
    for (k, name) in columns.enumerated() {
      guard let name else {
        indices.append(nil)
        continue
      }
      guard let index = reader.column(name) else {
        let key = k < 6 ? ["id", "last_purchase", "consent", "unsubscribed", "email", "phone"][k] : "copy"
        throw EnrollmentError.missingColumn(path: contacts.path, column: name, key: "entry.contacts." + key, header: header)
      }
      indices.append(index)
    }
    let fieldCount = header.count
    try reader.forEachRecord { (record: borrowing CSVRow) throws in
      if record.isMalformed { return try rejected(record.line, "a quoted field is not closed properly") }
      guard record.count == fieldCount else {
        return try rejected(record.line, "expected \(fieldCount) fields, found \(record.count)")
      }
      var values: [String?] = []
      for index in indices {
        guard let index else {
          values.append(nil)
          continue
        }
        guard let text = record.string(index) else { return try rejected(record.line, "a field is not valid UTF-8") }
        values.append(text)
      }
      var contact = ContactRow(line: record.line)
      Self.assign(values, to: &contact)
      try row(contact)
    }
  }

  private func readJSONLines(row: (ContactRow) throws -> Void, rejected: (Int, String) throws -> Void) throws {
    let present = columns.compactMap { $0 }
    var scanner = JSONScanner(paths: JSONFieldPaths(present.map(JSONFieldPaths.split)))
    var reader = try LineReader(path: contacts.path)
    var text: [UInt8] = []
    try reader.forEachLine { (line: Int, bytes: UnsafeBufferPointer<UInt8>) throws -> Bool in
      do {
        try scanner.scan(bytes)
      } catch {
        try rejected(line, "invalid JSON: \(error)")
        return true
      }
      var values: [String?] = []
      var slot = 0
      for name in columns {
        guard name != nil else {
          values.append(nil)
          continue
        }
        text.removeAll(keepingCapacity: true)
        scanner.appendText(slot, of: bytes, to: &text)
        let kind = scanner.fields[slot].kind
        slot += 1
        guard kind != .object && kind != .array else {
          try rejected(line, "field '\(present[slot - 1])' is an object or array, not a value")
          return true
        }
        guard let string = String(validating: text, as: UTF8.self) else {
          try rejected(line, "field '\(present[slot - 1])' is not valid UTF-8")
          return true
        }
        values.append(scanner.fields[slot - 1].isMissing ? nil : string)
      }
      var contact = ContactRow(line: line)
      Self.assign(values, to: &contact)
      try row(contact)
      return true
    }
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
    let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
    return String(scalars[first...last])
  }
}
