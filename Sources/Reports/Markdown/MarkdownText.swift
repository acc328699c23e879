import Ingest

/// Escaping for user-supplied strings in Markdown.
///
/// Names (arms, metrics, events, segment values, file names) go into code spans, where Markdown
/// and inline HTML are not interpreted; backticks inside are replaced by `'`, and `|` is escaped
/// so GitHub tables keep their columns. Control characters (line breaks included) and bidi
/// overrides are shown as visible escapes first (`VisibleText`), so no byte from an input can
/// restyle or reorder the document or the terminal it is printed on.
enum MarkdownText {
  /// `text` as an inline code span, safe in paragraphs and table cells.
  static func code(_ text: String) -> String {
    var out = ""
    for character in VisibleText.escaped(text) {
      switch character {
      case "`": out.append("'")
      case "|": out.append("\\|")
      case "\n", "\r", "\r\n": out.append(" ")
      default: out.append(character)
      }
    }
    return "`" + out + "`"
  }

  /// Plain text with Markdown and HTML metacharacters escaped.
  static func plain(_ text: String) -> String {
    var out = ""
    for character in VisibleText.escaped(text) {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "|": out += "\\|"
      case "\\", "`", "*", "_", "[", "]", "#": out += "\\" + String(character)
      case "\n", "\r", "\r\n": out += " "
      default: out.append(character)
      }
    }
    return out
  }

  /// A GitHub table from a header and rows.
  static func table(_ header: [String], _ rows: [[String]], alignRight: Set<Int> = []) -> String {
    var out = "| " + header.joined(separator: " | ") + " |\n"
    out += "|" + header.indices.map { alignRight.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
    for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
    return out
  }
}
