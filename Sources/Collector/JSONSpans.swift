import Ingest

/// A strict JSON checker (RFC 8259) that returns where values are, not what they are: the
/// collector stores events byte for byte, so it needs each event's byte range inside a batch
/// (`{"events": [ … ]}`, `{"data": [ … ]}`, a JSON array, JSON lines) and a few string fields,
/// never a tree.
///
/// Checked: the grammar, string escapes, control characters in strings, UTF-8 validity of
/// strings, nesting depth (at most `depthLimit`). Not checked: duplicate keys (kept as sent).
struct JSONSpans {
  static let depthLimit = 64

  /// Why the bytes are not JSON, with the byte offset.
  struct Failure: Error, Equatable {
    var reason: String
    var offset: Int
  }

  let bytes: [UInt8]

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// The ranges of the values in `range` (a body or a line) when it holds exactly one value
  /// surrounded by whitespace.
  func single(in range: Range<Int>) throws(Failure) -> Range<Int> {
    var i = skipSpace(range.lowerBound, range.upperBound)
    let start = i
    i = try value(at: i, end: range.upperBound, depth: 0)
    let valueRange = start..<i
    i = skipSpace(i, range.upperBound)
    guard i == range.upperBound else { throw Failure(reason: "unexpected bytes after the JSON value", offset: i) }
    return valueRange
  }

  /// The members of the object in `range`: key text and value range, in order.
  func members(of range: Range<Int>) throws(Failure) -> [(key: String, value: Range<Int>)] {
    guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "{") else { throw Failure(reason: "expected an object", offset: range.lowerBound) }
    var out: [(String, Range<Int>)] = []
    var i = skipSpace(range.lowerBound + 1, range.upperBound)
    if bytes[i] == UInt8(ascii: "}") { return [] }
    while true {
      let keyStart = i
      i = try string(at: i, end: range.upperBound)
      let key = String(decoding: bytes[(keyStart + 1)..<(i - 1)], as: UTF8.self)
      i = skipSpace(i, range.upperBound)
      i += 1  // ':' (already validated)
      i = skipSpace(i, range.upperBound)
      let valueStart = i
      i = try value(at: i, end: range.upperBound, depth: 1)
      out.append((key, valueStart..<i))
      i = skipSpace(i, range.upperBound)
      if bytes[i] == UInt8(ascii: "}") { return out }
      i = skipSpace(i + 1, range.upperBound)
    }
  }

  /// The elements of the array in `range`, in order.
  func elements(of range: Range<Int>) throws(Failure) -> [Range<Int>] {
    guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "[") else { throw Failure(reason: "expected an array", offset: range.lowerBound) }
    var out: [Range<Int>] = []
    var i = skipSpace(range.lowerBound + 1, range.upperBound)
    if bytes[i] == UInt8(ascii: "]") { return [] }
    while true {
      let start = i
      i = try value(at: i, end: range.upperBound, depth: 1)
      out.append(start..<i)
      i = skipSpace(i, range.upperBound)
      if bytes[i] == UInt8(ascii: "]") { return out }
      i = skipSpace(i + 1, range.upperBound)
    }
  }

  /// The text of a string value's range (a range `single`, `members` or `elements` returned),
  /// its escapes decoded as Ingest's scanner decodes them (`JSONScanner.unescape`).
  func text(of range: Range<Int>) -> String? {
    guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""), bytes[range.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
    var out: [UInt8] = []
    bytes.withUnsafeBufferPointer { all in
      JSONScanner.unescape(UnsafeBufferPointer(rebasing: all[(range.lowerBound + 1)..<(range.upperBound - 1)]), into: &out)
    }
    return String(decoding: out, as: UTF8.self)
  }

  func skipSpace(_ start: Int, _ end: Int) -> Int {
    var i = start
    while i < end, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    return i
  }

  /// The end of the value starting at `start`.
  private func value(at start: Int, end: Int, depth: Int) throws(Failure) -> Int {
    guard start < end else { throw Failure(reason: "the JSON ends early", offset: start) }
    guard depth < Self.depthLimit else { throw Failure(reason: "nested deeper than \(Self.depthLimit) levels", offset: start) }
    switch bytes[start] {
    case UInt8(ascii: "{"):
      var i = skipSpace(start + 1, end)
      guard i < end else { throw Failure(reason: "an object is not closed", offset: start) }
      if bytes[i] == UInt8(ascii: "}") { return i + 1 }
      while true {
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { throw Failure(reason: "expected a string key", offset: i) }
        i = skipSpace(try string(at: i, end: end), end)
        guard i < end, bytes[i] == UInt8(ascii: ":") else { throw Failure(reason: "expected ':' after a key", offset: i) }
        i = try value(at: skipSpace(i + 1, end), end: end, depth: depth + 1)
        i = skipSpace(i, end)
        guard i < end else { throw Failure(reason: "an object is not closed", offset: start) }
        if bytes[i] == UInt8(ascii: "}") { return i + 1 }
        guard bytes[i] == UInt8(ascii: ",") else { throw Failure(reason: "expected ',' or '}'", offset: i) }
        i = skipSpace(i + 1, end)
      }
    case UInt8(ascii: "["):
      var i = skipSpace(start + 1, end)
      guard i < end else { throw Failure(reason: "an array is not closed", offset: start) }
      if bytes[i] == UInt8(ascii: "]") { return i + 1 }
      while true {
        i = skipSpace(try value(at: i, end: end, depth: depth + 1), end)
        guard i < end else { throw Failure(reason: "an array is not closed", offset: start) }
        if bytes[i] == UInt8(ascii: "]") { return i + 1 }
        guard bytes[i] == UInt8(ascii: ",") else { throw Failure(reason: "expected ',' or ']'", offset: i) }
        i = skipSpace(i + 1, end)
      }
    case UInt8(ascii: "\""):
      return try string(at: start, end: end)
    case UInt8(ascii: "t"): return try literal("true", at: start, end: end)
    case UInt8(ascii: "f"): return try literal("false", at: start, end: end)
    case UInt8(ascii: "n"): return try literal("null", at: start, end: end)
    default:
      return try number(at: start, end: end)
    }
  }

  private func literal(_ word: StaticString, at start: Int, end: Int) throws(Failure) -> Int {
    let count = word.utf8CodeUnitCount
    guard start + count <= end else { throw Failure(reason: "the JSON ends early", offset: start) }
    for k in 0..<count where bytes[start + k] != word.utf8Start[k] {
      throw Failure(reason: "not a JSON value", offset: start + k)
    }
    return start + count
  }

  private func number(at start: Int, end: Int) throws(Failure) -> Int {
    var i = start
    func digits() -> Int {
      let from = i
      while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
      return i - from
    }
    if i < end, bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw Failure(reason: "not a JSON value", offset: start) }
    if bytes[i] == UInt8(ascii: "0") { i += 1 } else { _ = digits() }
    if i < end, bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() > 0 else { throw Failure(reason: "a number needs digits after '.'", offset: i) }
    }
    if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      i += 1
      if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      guard digits() > 0 else { throw Failure(reason: "a number needs exponent digits", offset: i) }
    }
    return i
  }

  /// The end of the string starting at `start` (just past its closing quote).
  private func string(at start: Int, end: Int) throws(Failure) -> Int {
    var i = start + 1
    while i < end {
      let c = bytes[i]
      switch c {
      case UInt8(ascii: "\""):
        return i + 1
      case UInt8(ascii: "\\"):
        // A backslash as the last byte: the string is not closed (a `break` here left the
        // switch, not the loop, and spun on the same byte; found by the webhook-body fuzz target).
        guard i + 1 < end else { throw Failure(reason: "a string is not closed", offset: start) }
        switch bytes[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          i += 2
        case UInt8(ascii: "u"):
          guard i + 6 <= end, bytes[(i + 2)..<(i + 6)].allSatisfy({ JSONEscape.hexValue($0) != nil }) else {
            throw Failure(reason: "a \\u escape needs four hex digits", offset: i)
          }
          i += 6
        default:
          throw Failure(reason: "an unknown string escape", offset: i)
        }
      case 0..<0x20:
        throw Failure(reason: "a control character (or line break) inside a string", offset: i)
      case 0x80...:
        // Ingest's rule (RFC 3629: no overlongs, no surrogates), within this value's end.
        let length = bytes.withUnsafeBufferPointer { JSONScanner.utf8SequenceLength(UnsafeBufferPointer(rebasing: $0[..<end]), at: i) }
        guard length > 0 else { throw Failure(reason: "a string is not valid UTF-8", offset: i) }
        i += length
      default:
        i += 1
      }
    }
    throw Failure(reason: "a string is not closed", offset: start)
  }
}
