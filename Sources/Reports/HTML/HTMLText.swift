import Ingest

/// HTML building blocks: escaping every user-supplied string, and tables.
enum HTMLText {
  /// `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in quoted
  /// attribute values. Every name, segment value, event name and file name goes through here.
  /// Control characters and bidi overrides are first shown as visible escapes (`VisibleText`).
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for c in VisibleText.escaped(text).unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  /// A table with a caption and column headers; cells are already HTML. Columns in
  /// `numeric` are right-aligned.
  static func table(caption: String, _ headers: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
    var out = "<div class=\"scroll\"><table>\n<caption>\(escape(caption))</caption>\n<thead><tr>"
    for (i, header) in headers.enumerated() {
      out += "<th scope=\"col\"\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(header))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for row in rows {
      out += "<tr>"
      for (i, cell) in row.enumerated() {
        out += i == 0 ? "<th scope=\"row\">\(cell)</th>" : "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(cell)</td>"
      }
      out += "</tr>\n"
    }
    return out + "</tbody></table></div>\n"
  }
}
