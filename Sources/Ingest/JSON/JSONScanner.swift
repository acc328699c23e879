/// A byte-level scanner for one JSON object (a JSON-lines record) that captures the members named
/// by a `JSONFieldPaths` without building a tree.
///
/// Every byte of the record is validated (RFC 8259 grammar, UTF-8 in strings, escapes), so a
/// truncated or corrupt line is always detected, but only captured members are remembered: each
/// as a kind and a byte range of the line. Strings are unescaped only when a caller asks for their
/// text (`appendText`), and most strings have no escapes. Nesting deeper than `depthLimit` is
/// refused, so hostile input cannot exhaust the stack.
///
/// With `unwrapsUnions`, a captured value that is an object holding exactly one member named after
/// an Avro type (`{"string": "x"}`, `{"long": 5}`, as written by `avro-tools tojson` for nullable
/// fields) is captured as that member's value.
public struct JSONScanner {
  /// A captured member.
  public struct Field: Sendable, Equatable {
    /// The JSON type of a captured value; `absent` when the member did not occur.
    public enum Kind: UInt8, Sendable {
      case absent, null, bool, number, string, object, array
    }
    /// The value's type.
    public var kind: Kind = .absent
    /// Strings: the bytes between the quotes (still escaped); others: the value's text.
    public var range: Range<Int> = 0..<0
    /// True when a string contains backslash escapes.
    public var hasEscapes = false

    /// True for null or absent.
    public var isMissing: Bool { kind == .absent || kind == .null }
  }

  /// Why a record could not be scanned.
  public enum Failure: Error, Equatable, Sendable {
    /// Not valid JSON, or not an object: what was wrong and the 1-based byte column.
    case malformed(String, column: Int)
    /// A string holds bytes that are not UTF-8, at the 1-based byte column.
    case invalidUTF8(column: Int)
  }

  /// The deepest nesting accepted.
  public static let depthLimit = 64

  /// The paths captured.
  public let paths: JSONFieldPaths
  /// Whether Avro union wrappers are removed from captured values.
  public let unwrapsUnions: Bool
  /// The captured members of the last scan, indexed like `paths`.
  public private(set) var fields: [Field]

  private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  private var i = 0

  /// A scanner capturing `paths`.
  public init(paths: JSONFieldPaths, unwrapsUnions: Bool = false) {
    self.paths = paths
    self.unwrapsUnions = unwrapsUnions
    fields = Array(repeating: Field(), count: paths.count)
  }

  /// Scans `line`, which must hold one JSON object (surrounding whitespace allowed).
  public mutating func scan(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) {
    for index in fields.indices { fields[index] = Field() }
    bytes = line
    i = 0
    skipWhitespace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else {
      throw fail(i < bytes.count ? "expected a JSON object" : "the line is empty")
    }
    _ = try value(node: 0, depth: 0)
    skipWhitespace()
    if i < bytes.count { throw fail("unexpected text after the object") }
  }

  /// Appends the text of field `index` of the last scan of `line` to `output`: a string's
  /// unescaped bytes, a number's or literal's text; nothing for absent, null, objects or arrays.
  public func appendText(_ index: Int, of line: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    let field = fields[index]
    switch field.kind {
    case .absent, .null, .object, .array: return
    case .bool, .number:
      output.append(contentsOf: UnsafeBufferPointer(rebasing: line[field.range]))
    case .string:
      let slice = UnsafeBufferPointer(rebasing: line[field.range])
      if field.hasEscapes { Self.unescape(slice, into: &output) } else { output.append(contentsOf: slice) }
    }
  }

  // MARK: - Grammar

  private func fail(_ message: String) -> Failure { .malformed(message, column: i + 1) }

  @inline(__always)
  private mutating func skipWhitespace() {
    while i < bytes.count {
      let c = bytes[i]
      guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
      i += 1
    }
  }

  /// Scans one value. `node` is the trie node it corresponds to (−1 when untracked); the return
  /// value is the value's field description.
  private mutating func value(node: Int, depth: Int) throws(Failure) -> Field {
    guard i < bytes.count else { throw fail("the record ends too early (truncated line?)") }
    let start = i
    switch bytes[i] {
    case UInt8(ascii: "{"):
      guard depth < Self.depthLimit else { throw fail("nesting deeper than \(Self.depthLimit) levels") }
      return try object(node: node, depth: depth)
    case UInt8(ascii: "["):
      guard depth < Self.depthLimit else { throw fail("nesting deeper than \(Self.depthLimit) levels") }
      i += 1
      skipWhitespace()
      if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
        i += 1
        return Field(kind: .array, range: start..<i)
      }
      while true {
        skipWhitespace()
        _ = try value(node: -1, depth: depth + 1)
        skipWhitespace()
        guard i < bytes.count else { throw fail("an array is not closed (truncated line?)") }
        if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
        guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
        i += 1
        return Field(kind: .array, range: start..<i)
      }
    case UInt8(ascii: "\""):
      let (range, escapes) = try string()
      return Field(kind: .string, range: range, hasEscapes: escapes)
    case UInt8(ascii: "t"):
      try literal("true")
      return Field(kind: .bool, range: start..<i)
    case UInt8(ascii: "f"):
      try literal("false")
      return Field(kind: .bool, range: start..<i)
    case UInt8(ascii: "n"):
      try literal("null")
      return Field(kind: .null, range: start..<i)
    default:
      try number()
      return Field(kind: .number, range: start..<i)
    }
  }

  private mutating func object(node: Int, depth: Int) throws(Failure) -> Field {
    let start = i
    i += 1
    skipWhitespace()
    if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
      i += 1
      return Field(kind: .object, range: start..<i)
    }
    let tracksChildren = node >= 0 && !paths.nodes[node].children.isEmpty
    let mayBeUnion = unwrapsUnions && node > 0 && paths.nodes[node].terminal >= 0
    var members = 0
    var union: Field? = nil
    while true {
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw fail(i < bytes.count ? "expected a member name in quotes" : "an object is not closed (truncated line?)")
      }
      let (keyRange, keyEscapes) = try string()
      skipWhitespace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
      i += 1
      skipWhitespace()
      var child = -1
      if tracksChildren && !keyEscapes {
        child = paths.child(of: node, key: UnsafeBufferPointer(rebasing: bytes[keyRange]))
      }
      let member = try value(node: child, depth: depth + 1)
      if child >= 0 {
        let slot = Int(paths.nodes[child].terminal)
        if slot >= 0 && fields[slot].kind == .absent { fields[slot] = member }
      }
      members += 1
      if mayBeUnion && members == 1 && Self.isAvroType(UnsafeBufferPointer(rebasing: bytes[keyRange])) {
        union = member
      }
      skipWhitespace()
      guard i < bytes.count else { throw fail("an object is not closed (truncated line?)") }
      if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
      guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
      i += 1
      if let union, members == 1 { return union }
      return Field(kind: .object, range: start..<i)
    }
  }

  private static let avroTypes: [[UInt8]] = [
    "string", "int", "long", "float", "double", "boolean", "bytes",
  ].map { Array($0.utf8) }

  private static func isAvroType(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    avroTypes.contains { $0.count == key.count && $0.elementsEqual(key) }
  }

  private mutating func literal(_ word: StaticString) throws(Failure) {
    let count = word.utf8CodeUnitCount
    guard i + count <= bytes.count else { throw fail("the record ends too early (truncated line?)") }
    let text = word.utf8Start
    for k in 0..<count where bytes[i + k] != text[k] { throw fail("unexpected character") }
    i += count
  }

  private mutating func number() throws(Failure) {
    let start = i
    if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count, isDigit(bytes[i]) else { throw fail(start == i ? "unexpected character" : "a number has no digits") }
    if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < bytes.count && isDigit(bytes[i]) { i += 1 } }
    if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
      i += 1
      guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number's fraction has no digits") }
      while i < bytes.count && isDigit(bytes[i]) { i += 1 }
    }
    if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
      i += 1
      if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
      guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number's exponent has no digits") }
      while i < bytes.count && isDigit(bytes[i]) { i += 1 }
    }
  }

  @inline(__always)
  private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  /// Scans a string starting at its opening quote; returns the range between the quotes.
  private mutating func string() throws(Failure) -> (Range<Int>, Bool) {
    i += 1
    let start = i
    var escapes = false
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        let range = start..<i
        i += 1
        return (range, escapes)
      }
      if c == UInt8(ascii: "\\") {
        escapes = true
        guard i + 1 < bytes.count else { break }
        let e = bytes[i + 1]
        switch e {
        case _ where JSONEscape.simple(e) != nil:
          i += 2
        case UInt8(ascii: "u"):
          guard i + 6 <= bytes.count else { throw fail("a string is not closed (truncated line?)") }
          for k in 2..<6 where JSONEscape.hexValue(bytes[i + k]) == nil {
            i += k
            throw fail("a \\u escape needs four hex digits")
          }
          i += 6
        default:
          i += 1
          throw fail("unknown escape in a string")
        }
        continue
      }
      if c < 0x20 { throw fail("a control character inside a string (truncated or unescaped newline?)") }
      if c < 0x80 {
        i += 1
        continue
      }
      let length = Self.utf8SequenceLength(bytes, at: i)
      guard length > 0 else { throw Failure.invalidUTF8(column: i + 1) }
      i += length
    }
    throw fail("a string is not closed (truncated line?)")
  }

  /// The length of the valid UTF-8 sequence starting with a non-ASCII byte at `i`, or 0.
  /// (Also the collector's JSON checker's rule.)
  package static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
    let c = b[i]
    let n = b.count
    func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
      i + k < n && b[i + k] >= low && b[i + k] <= high
    }
    switch c {
    case 0xC2...0xDF: return continuation(1) ? 2 : 0
    case 0xE0: return continuation(1, 0xA0) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE, 0xEF: return continuation(1) && continuation(2) ? 3 : 0
    case 0xED: return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
    case 0xF0: return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4: return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default: return 0
    }
  }

  /// Decodes the escapes of a validated string body into UTF-8. An unpaired surrogate becomes
  /// U+FFFD. (Also used by the collector's JSON checker for the strings it compares.)
  package static func unescape(_ s: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
    var k = 0
    while k < s.count {
      let c = s[k]
      guard c == UInt8(ascii: "\\") else {
        output.append(c)
        k += 1
        continue
      }
      let e = s[k + 1]
      k += 2
      if e == UInt8(ascii: "u") {
        // The grammar check (`string()`) has seen four hex digits here.
        let (scalar, used) = JSONEscape.scalar(JSONEscape.hex4(s, at: k) ?? 0, followedBy: s, at: k + 4)
        k += 4 + used
        output.append(contentsOf: UTF8.encode(scalar)!)
      } else {
        output.append(JSONEscape.simple(e) ?? e)
      }
    }
  }
}
