/// The escapes of a JSON string (RFC 8259 §7), decoded in one place for both JSON readers:
/// `JSONScanner.unescape` (data files, after its grammar check) and `JSONTreeParser` (experiment
/// files and Klaviyo pages, which validates as it decodes).
///
/// A `\uD8xx`–`\uDBxx` high surrogate followed by a `\uDCxx`–`\uDFxx` low one is one scalar
/// (U+10000 + (high − 0xD800)·2¹⁰ + (low − 0xDC00)). A surrogate that is not half of such a pair
/// is allowed by the grammar but is no character: it becomes U+FFFD, the replacement character,
/// as invalid UTF-8 does everywhere in Holdout. Both readers give the same string for the same
/// bytes (`Tests/Fuzz/JSONDifferential.swift` checks it); before this type the tree parser
/// refused what the scanner replaced.
package enum JSONEscape {
  /// The byte a one-character escape stands for (`n` → 0x0A, `"` → `"`), or nil (`u`, or not an
  /// escape).
  @inline(__always)
  static func simple(_ e: UInt8) -> UInt8? {
    switch e {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return e
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    case UInt8(ascii: "n"): return 0x0A
    case UInt8(ascii: "r"): return 0x0D
    case UInt8(ascii: "t"): return 0x09
    default: return nil
    }
  }

  /// A hexadecimal digit's value, or nil.
  @inline(__always)
  package static func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
  }

  /// The four hexadecimal digits at `start` of `s` as a number, or nil when they are not four
  /// digits.
  static func hex4<C: RandomAccessCollection<UInt8>>(_ s: C, at start: Int) -> UInt32? where C.Index == Int {
    guard start >= s.startIndex, start + 4 <= s.endIndex else { return nil }
    var value: UInt32 = 0
    for j in start..<(start + 4) {
      guard let digit = hexValue(s[j]) else { return nil }
      value = value << 4 | digit
    }
    return value
  }

  /// The scalar of a `\u` escape of value `code`, whose string goes on at `next`: paired with a
  /// `\uDCxx` escape there when `code` is a high surrogate (then `used` is 6, the bytes of that
  /// second escape), else alone; an unpaired surrogate is U+FFFD.
  static func scalar<C: RandomAccessCollection<UInt8>>(
    _ code: UInt32, followedBy s: C, at next: Int
  ) -> (scalar: Unicode.Scalar, used: Int) where C.Index == Int {
    if code >= 0xD800 && code < 0xDC00, next + 6 <= s.endIndex, s[next] == UInt8(ascii: "\\"),
      s[next + 1] == UInt8(ascii: "u"), let low = hex4(s, at: next + 2), low >= 0xDC00 && low < 0xE000
    {
      return (Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))!, 6)
    }
    return (Unicode.Scalar(code) ?? "\u{FFFD}", 0)
  }
}
