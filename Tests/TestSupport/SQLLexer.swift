import Experiment

/// A minimal SQL lexer, enough to find where literals, quoted identifiers, comments and
/// statements begin and end as each dialect's parser reads them: for the quoting tests and the
/// `sql-quoting` fuzz target (which compiles this file into the fuzz binary).
public struct SQLLexer {
  public enum Token: Equatable {
    case literal(String)
    case identifier(String)
    case comment(String)
    case semicolon
    case other
  }

  public let dialect: WarehouseDefinition.Dialect

  /// A lexer for `dialect`.
  public init(dialect: WarehouseDefinition.Dialect) { self.dialect = dialect }

  private var backslashEscapes: Bool { ![.duckdb, .postgres].contains(dialect) }
  private var identifierQuote: Unicode.Scalar { [.duckdb, .postgres, .snowflake].contains(dialect) ? "\"" : "`" }

  /// A literal, identifier or block comment that never ends.
  public struct Unterminated: Error {}

  /// The script's tokens: literals and identifiers with their quoting undone, comments, `;`,
  /// and runs of anything else as one `other`.
  public func tokens(_ text: String) throws -> [Token] {
    // Engines read code points, not grapheme clusters: a quote followed by a combining mark is
    // still a quote to them, so the lexer must see it as one too.
    let chars = Array(text.unicodeScalars)
    var out: [Token] = []
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {
        var j = i + 2
        while j < chars.count && chars[j] != "\n" { j += 1 }
        out.append(.comment(String(String.UnicodeScalarView(chars[(i + 2)..<j]))))
        i = j
      } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
        guard let end = (i + 2..<max(i + 2, chars.count - 1)).first(where: { chars[$0] == "*" && chars[$0 + 1] == "/" }) else { throw Unterminated() }
        out.append(.comment(String(String.UnicodeScalarView(chars[(i + 2)..<end]))))
        i = end + 2
      } else if c == "'" || c == identifierQuote {
        var j = i + 1
        var value = String.UnicodeScalarView()
        while true {
          guard j < chars.count else { throw Unterminated() }
          let d = chars[j]
          if d == "\\" && c == "'" && backslashEscapes {
            guard j + 1 < chars.count else { throw Unterminated() }
            let next = chars[j + 1]
            value.append(next == "n" ? "\n" : next == "r" ? "\r" : next)
            j += 2
          } else if d == c {
            if j + 1 < chars.count && chars[j + 1] == c {
              value.append(c)
              j += 2
            } else {
              break
            }
          } else {
            value.append(d)
            j += 1
          }
        }
        out.append(c == "'" ? .literal(String(value)) : .identifier(String(value)))
        i = j + 1
      } else if c == ";" {
        out.append(.semicolon)
        i += 1
      } else {
        if out.last != .other { out.append(.other) }
        i += 1
      }
    }
    return out
  }
}
