/// Text from outside (file headers, ids, event names, paths, arguments) made safe to show on a
/// terminal or in a document: every character that could act instead of being seen is replaced
/// by a visible escape `\u{XX}` (upper-case hex, the Swift literal form).
///
/// Escaped: the C0 controls U+0000–U+001F (NUL, BEL, BS, ESC — which starts terminal control
/// sequences such as `ESC ] 0 ; title BEL` or `ESC [ 2 J` — and also TAB, CR and LF unless
/// `keepingNewlines`), DEL U+007F, the C1 controls U+0080–U+009F (U+009B is a one-byte CSI), and
/// the bidirectional formatting characters that can make text read differently from its bytes
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069; "Trojan Source", CVE-2021-42574).
/// Everything else, including other non-ASCII letters, is kept as is.
public enum VisibleText {
  /// True when `scalar` is escaped by `escaped(_:)`.
  @inlinable
  public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { return true }
    if v < 0x61C { return false }
    return v == 0x61C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
  }

  /// `text` with every control and bidi formatting character shown as `\u{XX}`; line feeds are
  /// kept when `keepingNewlines` (for multi-line messages written by Holdout itself).
  public static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { needsEscape($0) && !(keepingNewlines && $0 == "\n") }) else {
      return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) && !(keepingNewlines && scalar == "\n") {
        out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// A field's bytes for a message: quoted, at most 40 bytes, invalid UTF-8 replaced
  /// (`'abc'`, `'…40 bytes…'…`).
  public static func quoted<C: Collection<UInt8>>(_ bytes: C) -> String {
    let text = String(decoding: bytes.prefix(40), as: UTF8.self)
    return "'\(text)\(bytes.count > 40 ? "…" : "")'"
  }
}
