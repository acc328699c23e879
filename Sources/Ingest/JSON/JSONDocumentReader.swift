/// A streaming reader of JSON records that are not one per line: the elements of top-level
/// arrays, and objects one after another (pretty-printed or not). See `JSONFraming`.
///
/// Reads the source in blocks into one buffer and hands out each record as a byte range of it,
/// with the line it starts on, so memory is bounded by the largest record (at most
/// `documentLimit`, 16 MiB by default, as for lines; a larger one stops the file with
/// `recordTooLong` naming the line where it starts). Records are found by their structure alone
/// (braces and brackets outside strings, string quotes and escapes), not validated: the caller
/// scans each one (`JSONScanner`), so a malformed record is rejected on its own and the next one
/// is still read. The whole array is never held in memory.
///
/// What is between records, and what happens when the framing itself is broken:
///
/// - Whitespace (including record separators, RFC 7464), and commas between top-level documents,
///   are skipped. Several arrays, or arrays and objects, may follow one another.
/// - In an array, a trailing or repeated comma is skipped; a missing comma gives the element
///   after it an `issue`; an element that is not an object is handed out as it is (the scanner
///   rejects it).
/// - A line break inside a string ends the record there, with an `issue`: JSON strings cannot hold
///   one, so the string was cut off (a truncated or hand-edited record). The rest of that record
///   is skipped, up to the next line that starts with `{` or `[` (or `]` in an array).
/// - A record that is never closed (cut off in the middle of the file, outside a string), or is
///   closed by the wrong bracket, ends, with an `issue`, before the first later line that starts
///   with `{` indented no deeper than its own first line (looked for up to the end of the input
///   or the size limit), and reading resumes there. Without such a line it runs to the end of the
///   input (one rejection) or, past the limit, stops the file with `recordTooLong`.
/// - A record cut off by the end of the file gets an `issue`; an array still open at the end after
///   a complete element (or `[` or `,`) gives one extra record with an `issue` and no bytes, so a
///   truncated file never goes unnoticed.
/// - Other text between documents is skipped to the next line that starts with `{` or `[`, and
///   counts as one record with an `issue`.
public struct JSONDocumentReader: ~Copyable {
  /// The default limit on one record's size.
  public static let defaultDocumentLimit = 16 << 20

  /// One record, valid only during the callback.
  public struct Document {
    /// The 1-based line where the record starts.
    public var line: Int
    /// The record's bytes (empty for an `issue` about the framing itself).
    public var bytes: UnsafeBufferPointer<UInt8>
    /// Set when the framing around the record is broken: the record must be rejected with this
    /// message instead of being scanned.
    public var issue: String?
  }

  /// The path used in messages.
  public var path: String { source.path }

  private let source: ByteSource
  private let limit: Int
  private var buffer: UnsafeMutableBufferPointer<UInt8>
  private var start = 0
  private var filled = 0
  private var atEnd = false
  /// The line of `buffer[start]`.
  private var line = 1
  /// Spaces and tabs between the last line break and `start`; −1 when other bytes came between.
  private var indentation = 0

  /// Reads `source`, in blocks of `blockSize` bytes.
  public init(source: ByteSource, blockSize: Int = 1 << 20, documentLimit: Int = defaultDocumentLimit) {
    self.source = source
    limit = max(documentLimit, 16)
    buffer = .allocate(capacity: min(max(blockSize, 16), limit))
  }

  deinit { buffer.deallocate() }

  /// Calls `body` with every record in order. Stops early when `body` returns false.
  /// - Throws: `IngestError.recordTooLong` for a record larger than the limit, read errors, and
  ///   what `body` throws.
  public mutating func forEachDocument<E: Error>(_ body: (Document) throws(E) -> Bool) throws {
    try skipByteOrderMark()
    var arrayLine = 0
    var needsSeparator = false
    var cutOff = false
    while true {
      guard let c = try nextNonWhitespace() else {
        // An array still open after a record cut off by the end: that record's rejection says it.
        guard arrayLine > 0, !cutOff else { return }
        let issue = "the JSON array opened on line \(arrayLine) is not closed at the end of the file (truncated?)"
        _ = try body(Document(line: line, bytes: UnsafeBufferPointer(start: nil, count: 0), issue: issue))
        return
      }
      if arrayLine == 0 {
        switch c {
        case UInt8(ascii: "["):
          arrayLine = line
          needsSeparator = false
          start += 1
          indentation = -1
        case UInt8(ascii: ","):
          start += 1
          indentation = -1
        case UInt8(ascii: "{"):
          let delivered = try deliver(issue: nil, body)
          if !delivered.more { return }
          if delivered.broken { try skipJunk(inArray: false) }
        default:
          let junkLine = line
          try skipJunk(inArray: false)
          let issue = "unexpected text between JSON documents (expected '{' or '[')"
          if try !body(Document(line: junkLine, bytes: UnsafeBufferPointer(start: nil, count: 0), issue: issue)) {
            return
          }
        }
        continue
      }
      switch c {
      case UInt8(ascii: "]"):
        arrayLine = 0
        start += 1
        indentation = -1
      case UInt8(ascii: ","):
        needsSeparator = false
        start += 1
        indentation = -1
      default:
        let delivered = try deliver(issue: needsSeparator ? "expected ',' before this array element" : nil, body)
        if !delivered.more { return }
        cutOff = delivered.cutOff
        needsSeparator = !delivered.broken
        if delivered.broken { try skipJunk(inArray: true) }
      }
    }
  }

  /// The file line and 1-based column of byte `offset` of `document` (for messages).
  public static func position(of offset: Int, in document: Document) -> (line: Int, column: Int) {
    var line = document.line
    var lineStart = 0
    for k in 0..<min(offset, document.bytes.count) where document.bytes[k] == 0x0A {
      line += 1
      lineStart = k + 1
    }
    return (line, offset - lineStart + 1)
  }

  // MARK: - Records

  /// Finds the extent of the value at `start` and hands it to `body`; `broken` when a line break
  /// inside a string cut it off, `cutOff` when the end of input did.
  private mutating func deliver<E: Error>(
    issue given: String?, _ body: (Document) throws(E) -> Bool
  ) throws -> (more: Bool, broken: Bool, cutOff: Bool) {
    var scan = ExtentScan(first: buffer[start])
    var end: Int? = nil
    var scanned = 0
    var overLimit = false
    while true {
      end = scan.advance(UnsafePointer(buffer.baseAddress! + start), from: scanned, to: filled - start)
      if end != nil || atEnd { break }
      scanned = filled - start
      if scanned >= limit {
        overLimit = true
        break
      }
      try refill()
    }
    var count = end ?? (filled - start)
    var newlines = scan.newlines
    var broken = scan.broken
    let unclosed = end == nil && scan.kind != .scalar
    var cutOff = unclosed && !overLimit
    var issue = given
    if broken {
      issue = "a string is not closed at the end of line \(line + newlines) (cut off, or a line break not escaped as \\n)"
    } else if unclosed || scan.mismatched, let resume = resumption(count: count, indent: indentation) {
      // Never closed (up to the end of the input or the size limit), or closed by the wrong
      // bracket: rather than swallow the records after it, end it where the next one seems to start.
      count = resume.offset
      newlines = resume.newlines
      broken = true
      cutOff = false
      issue = "this record is not closed before line \(line + newlines + 1), where the next one seems to start (cut off in the middle of the file?)"
    } else if overLimit {
      throw IngestError.recordTooLong(path: path, line: line, limit: limit)
    } else if cutOff {
      issue = "the file ends inside this record (truncated export?)"
    }
    let document = Document(
      line: line, bytes: UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[start..<start + count]),
      issue: issue)
    line += newlines
    start += count
    indentation = -1
    return (try body(document), broken, cutOff)
  }

  /// Where to resume after a broken record at `start` that spans `count` bytes (unclosed to the
  /// end of the input, or closed by the wrong bracket): the line break before the first later line that starts with `{` indented
  /// no deeper than the record's own first line (`indent`, −1 when the record did not start its
  /// line); nil when there is none. Only records that are already broken are cut this way, so a
  /// valid file is never affected.
  private func resumption(count: Int, indent: Int) -> (offset: Int, newlines: Int)? {
    var newlines = 0
    var k = 0
    while k < count {
      if buffer[start + k] != 0x0A {
        k += 1
        continue
      }
      let lineBreak = k
      newlines += 1
      k += 1
      var depth = 0
      while k < count && (buffer[start + k] == 0x20 || buffer[start + k] == 0x09 || buffer[start + k] == 0x0D) {
        depth += 1
        k += 1
      }
      if k < count && buffer[start + k] == UInt8(ascii: "{") && (indent < 0 || depth <= indent) {
        return (lineBreak, newlines - 1)
      }
    }
    return nil
  }

  /// Skips text that is not a record (junk between documents, or the rest of a record cut off
  /// inside a string): the rest of this line, and the lines after it up to one that starts with
  /// `{` or `[` (or, in an array, `]`), or the end. Nothing is kept, so junk of any size is bounded.
  private mutating func skipJunk(inArray: Bool) throws {
    while true {
      while true {
        if start >= filled {
          if atEnd { return }
          try refill()
          continue
        }
        if buffer[start] == 0x0A { break }
        start += 1
        indentation = -1
      }
      guard let c = try nextNonWhitespace() else { return }
      if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") || (inArray && c == UInt8(ascii: "]")) { return }
    }
  }

  // MARK: - Bytes

  /// The next byte that is not whitespace, without consuming it; nil at the end of input.
  private mutating func nextNonWhitespace() throws -> UInt8? {
    while true {
      while start < filled {
        let c = buffer[start]
        switch c {
        case 0x0A:
          line += 1
          indentation = 0
          start += 1
        case 0x20, 0x09:
          if indentation >= 0 { indentation += 1 }
          start += 1
        case 0x0D, 0x1E: start += 1
        default: return c
        }
      }
      if atEnd { return nil }
      try refill()
    }
  }

  private mutating func skipByteOrderMark() throws {
    while filled - start < 3 && !atEnd { try refill() }
    start += ByteOrderMark.length(in: buffer, from: start, to: filled)
  }

  /// Moves the unread tail to the front and reads more, growing the buffer for large records.
  private mutating func refill() throws(IngestError) {
    try BlockRefill.refill(
      &buffer, start: &start, filled: &filled, atEnd: &atEnd, source: source, limit: limit, line: line)
  }
}

/// Follows one JSON value's structure across blocks, to find where it ends without parsing it.
struct ExtentScan {
  enum Kind { case structure, string, scalar }

  let kind: Kind
  private var depth = 0
  private var inString = false
  private var string = JSONStringState()
  /// Line breaks inside the value so far.
  private(set) var newlines = 0
  /// True when a line break inside a string ended the value.
  private(set) var broken = false
  /// True when a `]` closed a `{` or a `}` a `[` (the value ends there).
  private(set) var mismatched = false
  /// Bit `d` set when the structure open at depth `d + 1` is an array (up to depth 64).
  private var arrays: UInt64 = 0

  init(first: UInt8) {
    switch first {
    case UInt8(ascii: "{"), UInt8(ascii: "["): kind = .structure
    case UInt8(ascii: "\""): kind = .string
    default: kind = .scalar
    }
  }

  /// Scans `p[from..<to]` (the value starts at `p[0]`); returns the value's length once it ends.
  mutating func advance(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
    var i = from
    if kind == .scalar {
      if i == 0 { i = 1 }
      while i < to {
        switch p[i] {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"),
          UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""):
          return i
        default: i += 1
        }
      }
      return nil
    }
    if i == 0 && kind == .string {
      inString = true
      i = 1
    }
    while i < to {
      let c = p[i]
      if inString {
        switch string.step(c) {
        case .inside: break
        case .lineBreak:
          broken = true
          return i
        case .closed:
          inString = false
          if depth == 0 { return i + 1 }
        }
        i += 1
        continue
      }
      switch c {
      case UInt8(ascii: "\""):
        inString = true
        string = JSONStringState()
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        if depth < 64 {
          let bit: UInt64 = 1 << UInt64(depth)
          if c == UInt8(ascii: "[") { arrays |= bit } else { arrays &= ~bit }
        }
        depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth < 64 && ((arrays >> UInt64(depth)) & 1 == 1) != (c == UInt8(ascii: "]")) {
          mismatched = true
          return i + 1
        }
        if depth == 0 { return i + 1 }
      case 0x0A: newlines += 1
      default: break
      }
      i += 1
    }
    return nil
  }
}
