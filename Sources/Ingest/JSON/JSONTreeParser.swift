/// A recursive-descent JSON parser (RFC 8259) producing `JSONNode` trees with line numbers.
///
/// For small documents (experiment files); the event-stream scanner is a separate, tree-free
/// path. Depth is limited to 64 so hostile input cannot exhaust the stack.
struct JSONTreeParser {
  let bytes: [UInt8]
  let path: String
  var i = 0
  var line = 1
  var lineStart = 0
  var depth = 0

  init(bytes: [UInt8], path: String) {
    self.bytes = bytes
    self.path = path
    i = ByteOrderMark.length(in: bytes, from: 0, to: bytes.count)
  }

  mutating func parseDocument() throws(IngestError) -> JSONNode {
    skipWhitespace()
    if i >= bytes.count { throw failure("the document is empty") }
    let node = try parseValue()
    skipWhitespace()
    if i < bytes.count { throw failure("unexpected content after the top-level value") }
    return node
  }

  /// Parses one or more documents written one after another (whitespace between them), such as
  /// saved API pages concatenated into one file.
  mutating func parseSequence() throws(IngestError) -> [JSONNode] {
    var documents: [JSONNode] = []
    skipWhitespace()
    if i >= bytes.count { throw failure("the document is empty") }
    while i < bytes.count {
      documents.append(try parseValue())
      skipWhitespace()
    }
    return documents
  }

  private func failure(_ message: String) -> IngestError {
    .invalidJSON(path: path, line: line, column: i - lineStart + 1, message: message)
  }

  private mutating func skipWhitespace() {
    while i < bytes.count {
      let c = bytes[i]
      if c == 0x0A {
        line += 1
        lineStart = i + 1
      } else if c != 0x20 && c != 0x09 && c != 0x0D {
        return
      }
      i += 1
    }
  }

  private mutating func parseValue() throws(IngestError) -> JSONNode {
    let startLine = line
    guard i < bytes.count else { throw failure("unexpected end of document") }
    switch bytes[i] {
    case UInt8(ascii: "{"): return JSONNode(value: try parseObject(), line: startLine)
    case UInt8(ascii: "["): return JSONNode(value: try parseArray(), line: startLine)
    case UInt8(ascii: "\""): return JSONNode(value: .string(try parseString()), line: startLine)
    case UInt8(ascii: "t"): try literal("true"); return JSONNode(value: .bool(true), line: startLine)
    case UInt8(ascii: "f"): try literal("false"); return JSONNode(value: .bool(false), line: startLine)
    case UInt8(ascii: "n"): try literal("null"); return JSONNode(value: .null, line: startLine)
    default: return JSONNode(value: .number(try parseNumber()), line: startLine)
    }
  }

  private mutating func literal(_ word: String) throws(IngestError) {
    for byte in word.utf8 {
      guard i < bytes.count, bytes[i] == byte else { throw failure("expected '\(word)'") }
      i += 1
    }
  }

  private mutating func enter() throws(IngestError) {
    depth += 1
    if depth > 64 { throw failure("nesting deeper than 64 levels") }
  }

  private mutating func parseObject() throws(IngestError) -> JSONNode.Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var members: [JSONNode.Member] = []
    skipWhitespace()
    if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw failure("expected a quoted key")
      }
      let key = try parseString()
      if members.contains(where: { $0.key == key }) { throw failure("key '\(key)' appears twice") }
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
        throw failure("expected ':' after key '\(key)'")
      }
      i += 1
      skipWhitespace()
      let node = try parseValue()
      members.append(JSONNode.Member(key: key, node: node))
      skipWhitespace()
      guard i < bytes.count else { throw failure("unterminated object") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      }
      throw failure("expected ',' or '}' in object")
    }
  }

  private mutating func parseArray() throws(IngestError) -> JSONNode.Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var elements: [JSONNode] = []
    skipWhitespace()
    if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      guard i < bytes.count else { throw failure("unterminated array") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(elements)
      }
      throw failure("expected ',' or ']' in array")
    }
  }

  private mutating func parseString() throws(IngestError) -> String {
    i += 1
    var out: [UInt8] = []
    while true {
      guard i < bytes.count else { throw failure("unterminated string") }
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        break
      }
      if c < 0x20 { throw failure("control character in string (escape it)") }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < bytes.count else { throw failure("unterminated escape") }
      let e = bytes[i]
      i += 1
      if let byte = JSONEscape.simple(e) {
        out.append(byte)
      } else if e == UInt8(ascii: "u") {
        // An unpaired surrogate is U+FFFD, as in JSONScanner (`JSONEscape`).
        let (scalar, used) = JSONEscape.scalar(try hex4(), followedBy: bytes, at: i)
        i += used
        out.append(contentsOf: UTF8.encode(scalar)!)
      } else {
        throw failure("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
      }
    }
    guard let string = String(validating: out, as: UTF8.self) else {
      throw failure("string is not valid UTF-8")
    }
    return string
  }

  private mutating func hex4() throws(IngestError) -> UInt32 {
    guard i + 4 <= bytes.count else { throw failure("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let digit: UInt32
      switch c {
      case 0x30...0x39: digit = UInt32(c - 0x30)
      case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
      case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
      default: throw failure("invalid hex digit in \\u escape")
      }
      value = value * 16 + digit
      i += 1
    }
    return value
  }

  private mutating func parseNumber() throws(IngestError) -> Double {
    let start = i
    if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
    var digits = 0
    let first = i
    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; digits += 1 }
    if digits == 0 { throw failure("unexpected character; expected a value") }
    // RFC 8259: no leading zeros (`0870` is not a JSON number; the event scanner agrees).
    if digits > 1 && bytes[first] == UInt8(ascii: "0") { throw failure("a number cannot start with 0 followed by digits") }
    if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
      i += 1
      var fraction = 0
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; fraction += 1 }
      if fraction == 0 { throw failure("a number needs digits after '.'") }
    }
    if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
      i += 1
      if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
      var exponent = 0
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1; exponent += 1 }
      if exponent == 0 { throw failure("a number needs digits in its exponent") }
    }
    let text = String(decoding: bytes[start..<i], as: UTF8.self)
    guard let value = Double(text), value.isFinite else { throw failure("number out of range") }
    return value
  }
}
