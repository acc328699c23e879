/// A streaming RFC 4180 CSV reader over bytes.
///
/// - Reads the source in blocks into one buffer; a record that straddles two blocks is moved to
///   the front and completed, so memory stays bounded by the longest record (at most
///   `recordLimit`, 16 MiB by default; beyond it the input is rejected as hostile or broken).
/// - Accepts a UTF-8 byte-order mark, LF or CRLF line ends, quoted fields with embedded commas,
///   newlines and doubled quotes, empty fields and a missing final newline. Blank lines are
///   skipped (they are not rows).
/// - A quoted field followed by stray characters, or a quote never closed, marks the row
///   malformed instead of stopping the file; the caller counts it as rejected.
/// - Works on bytes only: no String per row, no `split`.
public struct CSVReader: ~Copyable {
  /// The default limit on one record's size.
  public static let defaultRecordLimit = 16 << 20

  /// The path used in messages.
  public var path: String { source.path }
  /// The header's column names, trimmed, once `readHeader()` has run.
  public private(set) var header: [String] = []

  private let source: ByteSource
  private let recordLimit: Int
  private var buffer: UnsafeMutableBufferPointer<UInt8>
  private var start = 0
  private var filled = 0
  private var atEnd = false
  private var line = 1
  /// The current record's field ranges, `ranges[0..<rangeCount]`: one buffer reused for every
  /// record (emptying an array per record, `removeAll(keepingCapacity:)`, cost more than
  /// scanning a short row's fields).
  private var ranges: UnsafeMutableBufferPointer<Range<Int>>
  private var rangeCount = 0
  private var escaped: [Int] = []
  private var checkedBOM = false
  /// True when `buffer` is the caller's (`init(borrowing:)`): never written, refilled or freed.
  private var borrowed = false
  /// Where a borrowed record with doubled quotes is unescaped.
  private var scratch: UnsafeMutableBufferPointer<UInt8>? = nil
  /// Whether records without quotes take `scanPlainRecord` (off only in tests, which compare
  /// it with the general scan).
  var scansPlainRecordsFast = true

  /// Opens `path` (`-` for standard input).
  public init(path: String, blockSize: Int = 1 << 20, recordLimit: Int = defaultRecordLimit)
    throws(IngestError)
  {
    self.init(source: try ByteSource(path: path), blockSize: blockSize, recordLimit: recordLimit)
  }

  /// Reads `source` (a file, or a chunk in memory).
  public init(source: ByteSource, blockSize: Int = 1 << 20, recordLimit: Int = defaultRecordLimit) {
    self.source = source
    self.recordLimit = max(recordLimit, 16)
    buffer = .allocate(capacity: max(blockSize, 16))
    ranges = .allocate(capacity: 16)
  }

  /// Reads `bytes` where they lie, copying nothing: a chunk of whole records that the caller
  /// holds, unchanged, for as long as the reader is used. A record with doubled quotes is copied
  /// to a scratch buffer to be unescaped there (the bytes are never written).
  public init(borrowing bytes: UnsafeBufferPointer<UInt8>, path: String, recordLimit: Int = defaultRecordLimit) {
    source = ByteSource(bytes: [], path: path)
    self.recordLimit = max(recordLimit, 16)
    buffer = UnsafeMutableBufferPointer(mutating: bytes)
    filled = bytes.count
    atEnd = true
    borrowed = true
    ranges = .allocate(capacity: 16)
  }

  /// Uses `names` as the header without reading one (a chunk after the file's first).
  public mutating func assumeHeader(_ names: [String]) {
    header = names
    checkedBOM = true
  }

  deinit {
    if !borrowed { buffer.deallocate() }
    ranges.deallocate()
    scratch?.deallocate()
  }

  /// Reads the header row. Throws `emptyFile` when the input has no rows at all.
  public mutating func readHeader() throws(IngestError) -> [String] {
    var names: [String] = []
    let found: Bool
    do {
      found = try nextRecord { row in
        for index in 0..<row.count {
          let raw = String(decoding: row.field(index), as: UTF8.self)
          names.append(Self.trimmed(raw))
        }
      }
    } catch let error as IngestError {
      throw error
    } catch {
      throw .unreadable(path: source.path, reason: "\(error)")
    }
    guard found else { throw .emptyFile(path: source.path) }
    var seen: [String] = []
    for name in names {
      let key = name.lowercased()
      if !key.isEmpty && seen.contains(key) { throw .duplicateColumn(path: source.path, column: name) }
      seen.append(key)
    }
    header = names
    return names
  }

  /// The index of the column named `name` (case-insensitive), or nil.
  public func column(_ name: String) -> Int? {
    let key = name.lowercased()
    return header.firstIndex { $0.lowercased() == key }
  }

  /// The index of the column named `name`, or `missingColumn`.
  public func requireColumn(_ name: String) throws(IngestError) -> Int {
    guard let index = column(name) else {
      throw .missingColumn(path: source.path, column: name, header: header)
    }
    return index
  }

  /// Calls `body` with every remaining record, in order.
  public mutating func forEachRecord<E: Error>(_ body: (borrowing CSVRow) throws(E) -> Void) throws {
    while try nextRecord(body) {}
  }

  private static func trimmed(_ s: String) -> String {
    var scalars = Substring(s)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
  }

  /// Parses the next non-blank record and passes it to `body`; false at end of input.
  private mutating func nextRecord<E: Error>(_ body: (borrowing CSVRow) throws(E) -> Void) throws -> Bool {
    while true {
      if start >= filled {
        if atEnd { return false }
        try refill()
        continue
      }
      if !checkedBOM {
        if filled - start < 3 && !atEnd { try refill(); continue }
        checkedBOM = true
        if ByteOrderMark.length(in: buffer, from: start, to: filled) > 0 {
          start += ByteOrderMark.utf8.count
          continue
        }
      }
      // Most records take the plain scan; the general one handles quotes, lone CRs and the
      // buffer's end.
      let plain = scansPlainRecordsFast ? scanPlainRecord(from: start) : nil
      guard let (next, lines, malformed) = plain.map({ ($0, 1, false) }) ?? scanRecord(from: start) else {
        if atEnd { return false }
        try refill()
        continue
      }
      let recordLine = line
      line += lines
      let isBlank = rangeCount == 1 && ranges[0].isEmpty && !malformed
      start = next
      if isBlank { continue }
      var bytes = UnsafeBufferPointer(buffer)
      if !escaped.isEmpty { bytes = unescapeQuotedFields() }
      let row = CSVRow(
        line: recordLine, isMalformed: malformed, bytes: bytes,
        ranges: UnsafeBufferPointer(start: ranges.baseAddress, count: rangeCount))
      try body(row)
      return true
    }
  }

  /// Moves the unparsed tail to the front and reads more input, growing the buffer for records
  /// longer than it (up to `recordLimit`).
  private mutating func refill() throws(IngestError) {
    try BlockRefill.refill(
      &buffer, start: &start, filled: &filled, atEnd: &atEnd, source: source, limit: recordLimit, line: line)
  }


  /// Scans one record starting at `from`. Returns the index after it, the number of line breaks
  /// it spans and whether it is malformed; nil when the record is incomplete and more input may
  /// follow. Fills `ranges` (and `escaped` with fields holding doubled quotes).
  private mutating func scanRecord(from: Int) -> (Int, Int, Bool)? {
    rangeCount = 0
    if !escaped.isEmpty { escaped.removeAll(keepingCapacity: true) }
    let quote = CSVSyntax.quote, comma = CSVSyntax.comma, newline = CSVSyntax.lineFeed
    let cr = CSVSyntax.carriageReturn
    let end = filled
    var i = from
    var lines = 0
    var malformed = false
    while true {
      if i < end && buffer[i] == quote {
        i += 1
        let fieldStart = i
        var hasDoubled = false
        var closed = false
        while i < end {
          let c = buffer[i]
          if c == quote {
            if i + 1 < end && buffer[i + 1] == quote {
              hasDoubled = true
              i += 2
              continue
            }
            if i + 1 >= end && !atEnd { return nil }
            closed = true
            break
          }
          if c == newline { lines += 1 }
          i += 1
        }
        if !closed {
          if !atEnd { return nil }
          malformed = true
          appendRange(fieldStart..<i)
          return (i, lines, malformed)
        }
        appendRange(fieldStart..<i)
        if hasDoubled { escaped.append(rangeCount - 1) }
        i += 1
        // After a closing quote only a delimiter or the line end may follow.
        while i < end {
          let c = buffer[i]
          if c == comma || c == newline || c == cr { break }
          malformed = true
          i += 1
        }
        if i >= end && !atEnd { return nil }
      } else {
        let fieldStart = i
        i = Self.delimiter(in: UnsafeBufferPointer(buffer), from: i, end: end)
        if i >= end && !atEnd { return nil }
        appendRange(fieldStart..<i)
      }
      if i >= end { return (i, lines, malformed) }
      let c = buffer[i]
      if c == comma {
        i += 1
        continue
      }
      if c == cr {
        if i + 1 >= end && !atEnd { return nil }
        if i + 1 < end && buffer[i + 1] == newline { i += 1 }
      }
      return (i + 1, lines + 1, malformed)
    }
  }

  /// The fast path of `scanRecord` for the common record: no quote, no lone CR, and its line
  /// end among the whole 8-byte words left in the buffer. Returns the index after its line end
  /// with `ranges` filled, or nil to leave the record to the general scan (which starts over).
  ///
  /// One pass flags, per word, the bytes below 0x2D: a superset of the delimiters `,` `"` CR LF
  /// (also space, `!`…`+`, and control bytes) found exactly and without branches as
  /// ~(((w & 0x7F…7F) + (0x80 − 0x2D)·0x01…01) | w) & 0x80…80 (a byte's high bit set there iff
  /// its high bit was clear and its low seven bits are below 0x2D). Each flagged byte is then
  /// looked at; most are commas, a few are spaces. Fields are ranges between commas, as in the
  /// general scan.
  @inline(__always)
  private mutating func scanPlainRecord(from: Int) -> Int? {
    guard let base = buffer.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let end = filled
    // The ranges written through a local pointer and count, stored back once.
    var out = ranges.baseAddress!
    var count = 0
    @inline(__always) func add(_ range: Range<Int>) {
      if count == ranges.count {
        rangeCount = count
        growRanges()
        out = ranges.baseAddress!
      }
      (out + count).initialize(to: range)
      count += 1
    }
    var fieldStart = from
    var i = from
    while i + 8 <= end {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      var flags = ~(((w & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x5353_5353_5353_5353) | w) & 0x8080_8080_8080_8080
      while flags != 0 {
        let k = i &+ flags.trailingZeroBitCount &>> 3
        flags &= flags &- 1
        switch base[k] {
        case UInt8(ascii: ","):
          add(fieldStart..<k)
          fieldStart = k &+ 1
        case UInt8(ascii: "\n"):
          add(fieldStart..<k)
          rangeCount = count
          return k &+ 1
        case UInt8(ascii: "\r"):
          guard k + 1 < end, base[k + 1] == UInt8(ascii: "\n") else { return nil }
          add(fieldStart..<k)
          rangeCount = count
          return k &+ 2
        case UInt8(ascii: "\""): return nil
        default: continue
        }
      }
      i &+= 8
    }
    return nil
  }

  /// Doubles the field-range buffer, keeping its `rangeCount` ranges.
  private mutating func growRanges() {
    let larger = UnsafeMutableBufferPointer<Range<Int>>.allocate(capacity: ranges.count * 2)
    larger.baseAddress!.initialize(from: ranges.baseAddress!, count: rangeCount)
    ranges.deallocate()
    ranges = larger
  }

  /// Adds a field's range to the current record's, doubling the buffer when it is full.
  @inline(__always)
  private mutating func appendRange(_ range: Range<Int>) {
    if rangeCount == ranges.count { growRanges() }
    (ranges.baseAddress! + rangeCount).initialize(to: range)
    rangeCount += 1
  }

  /// The first comma, LF or CR in `bytes[from..<end]`, or `end`: eight bytes at a time. For each
  /// delimiter d, (x − 0x01…01) & ~x & 0x80…80 with x = word ^ d·0x01…01 flags the bytes equal
  /// to d; a borrow can flag a byte above a true match but never below it, so the lowest flag
  /// is exact.
  @inline(__always)
  static func delimiter(in bytes: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
    var i = from
    if let base = bytes.baseAddress {
      let raw = UnsafeRawPointer(base)
      @inline(__always) func equal(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
      }
      while i + 8 <= end {
        let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let found = equal(word, 0x2C2C_2C2C_2C2C_2C2C) | equal(word, 0x0A0A_0A0A_0A0A_0A0A)
          | equal(word, 0x0D0D_0D0D_0D0D_0D0D)
        if found != 0 { return i + found.trailingZeroBitCount / 8 }
        i += 8
      }
    }
    while i < end {
      let c = bytes[i]
      if c == UInt8(ascii: ",") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { return i }
      i += 1
    }
    return end
  }

  /// Rewrites fields with doubled quotes (`""` → `"`), shrinking their ranges, and returns the
  /// bytes the ranges now index: the buffer itself, or for a borrowed buffer a scratch copy of
  /// the record.
  private mutating func unescapeQuotedFields() -> UnsafeBufferPointer<UInt8> {
    var target = buffer
    if borrowed {
      // Copy the record's span and move every range onto the copy.
      let from = ranges[0].lowerBound, to = ranges[rangeCount - 1].upperBound
      if (scratch?.count ?? 0) < to - from {
        scratch?.deallocate()
        scratch = .allocate(capacity: max(to - from, 256))
      }
      target = scratch!
      UnsafeMutableRawPointer(target.baseAddress!).copyMemory(from: buffer.baseAddress! + from, byteCount: to - from)
      for k in 0..<rangeCount { ranges[k] = (ranges[k].lowerBound - from)..<(ranges[k].upperBound - from) }
    }
    let quote = UInt8(ascii: "\"")
    for index in escaped {
      let range = ranges[index]
      var write = range.lowerBound
      var read = range.lowerBound
      while read < range.upperBound {
        let c = target[read]
        target[write] = c
        write += 1
        read += (c == quote && read + 1 < range.upperBound && target[read + 1] == quote) ? 2 : 1
      }
      ranges[index] = range.lowerBound..<write
    }
    return UnsafeBufferPointer(target)
  }
}
