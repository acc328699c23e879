/// The byte classes of HTTP/1.1's grammar (RFC 9110, section 5.6; RFC 9112), as the parser and
/// the response writer test them.
enum HTTPSyntax {
  static let cr = UInt8(ascii: "\r")
  static let lf = UInt8(ascii: "\n")
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let colon = UInt8(ascii: ":")

  /// tchar: a letter, a digit or one of ``!#$%&'*+-.^_`|~``; tokens are one or more of them.
  static func isTokenByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
      UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
      return true
    default:
      return false
    }
  }

  /// Whether every byte is a tchar and there is at least one.
  static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
    !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
  }

  /// A byte a field value may hold: HTAB, SP, VCHAR or obs-text (0x80–0xFF); not NUL, CR, LF,
  /// DEL or another control.
  static func isFieldValueByte(_ b: UInt8) -> Bool {
    b == tab || (b >= 0x20 && b != 0x7F)
  }

  /// Optional whitespace: SP or HTAB.
  static func isWhitespace(_ b: UInt8) -> Bool {
    b == space || b == tab
  }

  /// The value of a hex digit in either case, nil for any other byte.
  static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  /// A byte of a Host value: uri-host (reg-name, IP-literal in brackets, IPv4) and `:` port, as
  /// RFC 3986 spells them (unreserved, pct-encoded, sub-delims).
  static func isHostByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
      UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
      UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
      UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
      return true
    default:
      return false
    }
  }

  /// Whether `text` equals `lowercase` (which must be lower-case ASCII) ignoring ASCII case.
  static func equalsIgnoringCase(_ text: some StringProtocol, _ lowercase: String) -> Bool {
    let a = text.utf8, b = lowercase.utf8
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
      let folded = x >= UInt8(ascii: "A") && x <= UInt8(ascii: "Z") ? x | 0x20 : x
      guard folded == y else { return false }
    }
    return true
  }

  /// The elements of a comma-separated list value (`#token`), trimmed, empty ones dropped.
  static func listElements(_ value: String) -> [Substring] {
    value.split(separator: ",").compactMap { element in
      var e = element
      while let first = e.first, first == " " || first == "\t" { e = e.dropFirst() }
      while let last = e.last, last == " " || last == "\t" { e = e.dropLast() }
      return e.isEmpty ? nil : e
    }
  }
}
