/// The inside of a JSON string, as the framers skip over it (`JSONFraming.decide`,
/// `JSONDocumentReader`): written once, so the two cannot disagree on where a string ends. A
/// string ends at an unescaped `"`; a `\` escapes the next byte; a raw line break cannot be in
/// a string (RFC 8259 §7), so meeting one means the text was cut off.
struct JSONStringState {
  /// What one byte of a string's body does.
  enum Step {
    /// The string goes on.
    case inside
    /// The byte was the closing quote.
    case closed
    /// A raw line feed: the string (and so the record) is broken.
    case lineBreak
  }

  /// True after an unescaped `\`.
  private var escaped = false

  /// Takes byte `c` of the string's body.
  @inline(__always)
  mutating func step(_ c: UInt8) -> Step {
    if c == 0x0A { return .lineBreak }
    if escaped {
      escaped = false
    } else if c == UInt8(ascii: "\\") {
      escaped = true
    } else if c == UInt8(ascii: "\"") {
      return .closed
    }
    return .inside
  }
}
