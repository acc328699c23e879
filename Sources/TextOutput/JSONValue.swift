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
    var out = ""
    write(into: &out, indent: 0)
    out.append("\n")
    return out
  }

  private func write(into out: inout String, indent: Int) {
    switch self {
    case .line(let value): value.writeOnOneLine(into: &out)
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .int(let value): out += String(value)
    case .number(let value): out += NumberFormat.significant(value)
    case .string(let value): Self.writeString(value, into: &out)
    case .array(let values):
      if values.isEmpty {
        out += "[]"
        return
      }
      if values.allSatisfy(\.isScalar) && values.count <= 8 {
        out += "["
        for (index, value) in values.enumerated() {
          if index > 0 { out += ", " }
          value.write(into: &out, indent: indent)
        }
        out += "]"
        return
      }
      out += "[\n"
      for (index, value) in values.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        value.write(into: &out, indent: indent + 2)
        out += index + 1 < values.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      for (index, (key, value)) in members.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        Self.writeString(key, into: &out)
        out += ": "
        value.write(into: &out, indent: indent + 2)
        out += index + 1 < members.count ? ",\n" : "\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    }
  }

  /// Writes the value with no line breaks, `", "` and `": "` between members.
  private func writeOnOneLine(into out: inout String) {
    switch self {
    case .array(let values):
      out += "["
      for (index, value) in values.enumerated() {
        if index > 0 { out += ", " }
        value.writeOnOneLine(into: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { out += ", " }
        Self.writeString(key, into: &out)
        out += ": "
        value.writeOnOneLine(into: &out)
      }
      out += "}"
    case .line(let value): value.writeOnOneLine(into: &out)
    default: write(into: &out, indent: 0)
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object, .line: return false
    default: return true
    }
  }

  private static func writeString(_ value: String, into out: inout String) {
    out += "\""
    // Printable ASCII without a quote or backslash (file names, keys, most text) is written
    // as it is, in one append: a scalar at a time cost a quarter of a report with 17,520 files.
    if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
      out += value
      out += "\""
      return
    }
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{2028}": out += "\\u2028"
      case "\u{2029}": out += "\\u2029"
      default:
        if scalar.value < 0x20 || VisibleText.needsEscape(scalar) {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
