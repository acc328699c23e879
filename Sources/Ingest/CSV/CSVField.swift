/// CSV output fields that are safe to open in a spreadsheet.
public enum CSVField {
  /// Quotes fields with commas, quotes or line breaks (RFC 4180), and neutralises formula
  /// prefixes: a field starting with `=`, `@`, tab, carriage return or line feed, or with `+`/`-` not
  /// followed by a plain number, is prefixed with `'` (OWASP CSV injection guidance; phone-number
  /// ids like `+15551234567` stay intact).
  public static func escape(_ field: String) -> String {
    var value = field
    if let first = value.unicodeScalars.first {
      let rest = value.unicodeScalars.dropFirst()
      let isNumber = !rest.isEmpty && rest.allSatisfy { ("0"..."9").contains($0) || $0 == "." }
      switch first {
      case "=", "@", "\t", "\r", "\n": value = "'" + value
      case "+", "-": if !isNumber { value = "'" + value }
      default: break
      }
    }
    return quoted(value)
  }

  /// RFC 4180 quoting only: a field with a comma, quote or line break is quoted, quotes
  /// doubled. For data files Holdout reads back (the cohort), where ids must round-trip
  /// exactly; lists meant for spreadsheets and senders use `escape`.
  public static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
      return field
    }
    return "\"" + String(field.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
  }

  /// An arm name as a safe file name.
  public static func fileName(_ name: String) -> String {
    String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
  }
}
