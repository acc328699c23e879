import Ingest

/// A JSON document built in memory and written deterministically.
///
/// Object members keep the order they were added in (never Dictionary order); numbers are written
/// with 12 significant digits, integers exactly; strings are escaped per RFC 8259. Non-finite
/// numbers cannot be represented and are written as `null` (callers attach a reason instead).
/// Besides the C0 controls, DEL, the C1 controls and bidi overrides are written as `\uXXXX`
/// escapes (the same string to a JSON reader, but inert when the file is printed on a terminal).
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])
  /// The value written on one line (`{"a": 1, "b": [2, 3]}`), where a long list of small
  /// objects would otherwise take dozens of lines each: the per-file accounts of a folder of
  /// thousands of files.
  case line(JSONValue)
  /// A value already written on one line (`writtenOnOneLine()`), put out as it is: lets a
  /// caller write the many lines of a long list on several threads.
  case written([UInt8])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.serialized() == rhs.serialized()
  }

  /// An optional number: `null` when nil.
  public static func number(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return .number(value)
  }

  /// The document, pretty-printed with two-space indentation and a final newline.
  public func serialized() -> String {
    String(decoding: serializedBytes(), as: UTF8.self)
  }

  /// The document as UTF-8 bytes (what `serialized()` returns): written into one byte buffer,
  /// not appended to a String piece by piece (a report.json of 17,520 per-file accounts is
  /// 9 MB, and String appends cost several times the bytes).
  public func serializedBytes() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    write(into: &out, indent: 0)
    out.append(0x0A)
    return out
  }

  /// The value written on one line, as `.line(self)` writes it, for `.written`.
  public func writtenOnOneLine() -> [UInt8] {
    var out: [UInt8] = []
    writeOnOneLine(into: &out)
    return out
  }

  private func write(into out: inout [UInt8], indent: Int) {
    switch self {
    case .written(let bytes): out.append(contentsOf: bytes)
    case .line(let value): value.writeOnOneLine(into: &out)
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value): Self.writeInt(value, into: &out)
    case .number(let value): out.append(contentsOf: NumberFormat.significant(value).utf8)
    case .string(let value): Self.writeString(value, into: &out)
    case .array(let values):
      if values.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      if values.allSatisfy(\.isScalar) && values.count <= 8 {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
          if index > 0 { out.append(contentsOf: ", ".utf8) }
          value.write(into: &out, indent: indent)
        }
        out.append(UInt8(ascii: "]"))
        return
      }
      out.append(contentsOf: "[\n".utf8)
      for (index, value) in values.enumerated() {
        Self.writeSpaces(indent + 2, into: &out)
        value.write(into: &out, indent: indent + 2)
        out.append(contentsOf: (index + 1 < values.count ? ",\n" : "\n").utf8)
      }
      Self.writeSpaces(indent, into: &out)
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(contentsOf: "{\n".utf8)
      for (index, (key, value)) in members.enumerated() {
        Self.writeSpaces(indent + 2, into: &out)
        Self.writeString(key, into: &out)
        out.append(contentsOf: ": ".utf8)
        value.write(into: &out, indent: indent + 2)
        out.append(contentsOf: (index + 1 < members.count ? ",\n" : "\n").utf8)
      }
      Self.writeSpaces(indent, into: &out)
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Writes the value with no line breaks, `", "` and `": "` between members.
  private func writeOnOneLine(into out: inout [UInt8]) {
    switch self {
    case .array(let values):
      out.append(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { out.append(contentsOf: ", ".utf8) }
        value.writeOnOneLine(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out.append(contentsOf: ", ".utf8) }
        Self.writeString(key, into: &out)
        out.append(contentsOf: ": ".utf8)
        value.writeOnOneLine(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    case .line(let value): value.writeOnOneLine(into: &out)
    default: write(into: &out, indent: 0)
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object, .line, .written: return false
    default: return true
    }
  }

  private static func writeSpaces(_ count: Int, into out: inout [UInt8]) {
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
  }

  /// Writes an integer in decimal, exactly (`Int.min` included), without making a String.
  private static func writeInt(_ value: Int, into out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        count += 1
        buffer[buffer.count - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      out.append(contentsOf: buffer[(buffer.count - count)...])
    }
  }

  private static func writeString(_ value: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Printable ASCII without a quote or backslash (file names, keys, most text) is written
    // as it is, in one append: a scalar at a time cost a quarter of a report with 17,520 files.
    var text = value
    let plain = text.withUTF8 { bytes in
      for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
      out.append(contentsOf: bytes)
      return true
    }
    if plain {
      out.append(UInt8(ascii: "\""))
      return
    }
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out.append(contentsOf: "\\\"".utf8)
      case "\\": out.append(contentsOf: "\\\\".utf8)
      case "\n": out.append(contentsOf: "\\n".utf8)
      case "\r": out.append(contentsOf: "\\r".utf8)
      case "\t": out.append(contentsOf: "\\t".utf8)
      case "\u{2028}": out.append(contentsOf: "\\u2028".utf8)
      case "\u{2029}": out.append(contentsOf: "\\u2029".utf8)
      default:
        if scalar.value < 0x20 || VisibleText.needsEscape(scalar) {
          let hex = String(scalar.value, radix: 16)
          out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
        } else {
          UTF8.encode(scalar) { out.append($0) }
        }
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
