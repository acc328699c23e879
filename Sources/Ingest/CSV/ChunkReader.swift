#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Cuts a stream into chunks of whole records, for parsing in parallel.
///
/// Reads the source sequentially (files, gzip pipes and standard input alike) and ends each chunk
/// after the last line break that is a record boundary: for JSON lines any line break (a line
/// break inside a JSON string must be escaped); for CSV a line break outside quoted fields, found
/// by following the quoting rules across chunks (see `scanQuotes`). Each chunk
/// carries the number of line breaks before it, so records keep their file line numbers. A record
/// longer than `recordLimit` stops the file, as in the sequential readers.
public struct ChunkReader: ~Copyable {
  /// One chunk of whole records.
  public struct Chunk: Sendable {
    /// The bytes.
    public var bytes: [UInt8]
    /// Line breaks before the chunk in the file: its first line is `linesBefore + 1`.
    public var linesBefore: Int
    /// The chunk's position in the file, from 0.
    public var index: Int
    /// Line breaks in the chunk (records end at them): what its parsed arrays are sized for.
    public var lines = 0
    /// The file's position among the files of a folder or pattern source (0 for one file).
    public var file = 0
    /// The chunk's position in the stream of chunks a pipeline parses (set by the pipeline).
    public var sequence = 0
    /// For a block of an Avro file (`AvroBlock`): where it lies in the file. Then `bytes` are
    /// the block's (still compressed), `lines` its record count and `linesBefore` the records
    /// before it; the parser transcodes it to JSON lines (`AvroTranscoder`).
    public var avroOffsets: (file: Int, data: Int)? = nil
    /// Small files of a folder handed over unread, in order (`file` is the first): the parser
    /// reads each whole itself, so opening and reading thousands of small files is spread over
    /// the parse threads, and they travel as one chunk, not one each.
    public var wholeFiles: [Int] = []
    /// The listed size of `wholeFiles` together (what the chunk will read).
    public var wholeFileBytes = 0

    /// A chunk of whole records.
    public init(bytes: [UInt8], linesBefore: Int, index: Int, lines: Int = 0) {
      self.bytes = bytes
      self.linesBefore = linesBefore
      self.index = index
      self.lines = lines
    }

    /// The chunk that carries Avro block `block`.
    public init(avro block: AvroBlock) {
      self.init(bytes: block.bytes, linesBefore: block.firstRecord, index: block.index, lines: block.recordCount)
      avroOffsets = (block.fileOffset, block.dataOffset)
    }

    /// The Avro block this chunk carries, if any.
    public var avroBlock: AvroBlock? {
      avroOffsets.map {
        AvroBlock(index: index, recordCount: lines, bytes: bytes, fileOffset: $0.file, dataOffset: $0.data, firstRecord: linesBefore)
      }
    }
  }

  private var source: ByteSource
  /// CSV: a line break inside a quoted field does not end a record.
  private var csvQuotes: Bool
  private let chunkSize: Int
  private let recordLimit: Int
  /// Bytes read but not yet emitted, at the front of `buffer`.
  private var buffer: UnsafeMutableBufferPointer<UInt8>
  private var filled = 0
  private var carryInQuotes = false
  private var linesBefore = 0
  private var index = 0
  private var atEnd = false
  /// Bytes read so far (for progress).
  public private(set) var bytesRead = 0
  /// The input's size when known in advance (a regular uncompressed file), for presizing.
  public var expectedBytes: Int? { source.byteCount }

  /// Reads `source` in chunks of about `chunkSize` bytes; `csvQuotes` for CSV (records end at a
  /// line break outside quoted fields), false for JSON lines (every line break ends a record).
  public init(source: ByteSource, csvQuotes: Bool, chunkSize: Int = 4 << 20, recordLimit: Int = 16 << 20) {
    self.source = source
    self.csvQuotes = csvQuotes
    self.chunkSize = max(chunkSize, 64)
    self.recordLimit = recordLimit
    buffer = .allocate(capacity: self.chunkSize * 2)
  }

  deinit { buffer.deallocate() }

  /// Starts over on another input, keeping the buffer: a folder's thousands of small files
  /// then cost no allocation (and no fresh pages) each.
  public mutating func restart(source: ByteSource, csvQuotes: Bool) {
    self.source = source
    self.csvQuotes = csvQuotes
    filled = 0
    carryInQuotes = false
    linesBefore = 0
    index = 0
    atEnd = false
    bytesRead = 0
  }

  /// The next chunk, or nil at the end of input.
  public mutating func next() throws(IngestError) -> Chunk? {
    while true {
      if atEnd {
        guard filled > 0 else { return nil }
        return emit(count: filled)
      }
      if filled == buffer.count {
        guard buffer.count < recordLimit * 2 else {
          throw .recordTooLong(path: source.path, line: linesBefore + 1, limit: recordLimit)
        }
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
        _ = larger.initialize(fromContentsOf: buffer[0..<filled])
        buffer.deallocate()
        buffer = larger
      }
      let n = try source.read(into: buffer.baseAddress! + filled, count: buffer.count - filled)
      filled += n
      bytesRead += n
      if n == 0 {
        atEnd = true
        continue
      }
      if filled < chunkSize { continue }
      // The first chunk must hold the header: a file that starts with more blank lines than
      // a chunk holds would otherwise give a first chunk with no row at all.
      if let boundary = lastBoundary(), index > 0 || hasContent(boundary) { return emit(count: boundary) }
      guard filled < recordLimit else {
        throw .recordTooLong(path: source.path, line: linesBefore + 1, limit: recordLimit)
      }
    }
  }

  /// True when the first `count` bytes hold a row: for CSV, a record `CSVReader` does not skip
  /// as blank (it also skips a line holding only `""`), so the chunk's header is the file's;
  /// otherwise something besides line ends and a byte-order mark.
  private func hasContent(_ count: Int) -> Bool {
    if csvQuotes {
      var reader = CSVReader(
        source: ByteSource(bytes: Array(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[0..<count])), path: source.path),
        blockSize: count + 1, recordLimit: recordLimit)
      do {
        _ = try reader.readHeader()
        return true
      } catch .emptyFile {
        return false
      } catch {
        return true  // the real parse of the chunk reports it
      }
    }
    var i = ByteOrderMark.length(in: buffer, from: 0, to: count)
    while i < count {
      if buffer[i] != CSVSyntax.lineFeed && buffer[i] != CSVSyntax.carriageReturn { return true }
      i += 1
    }
    return false
  }

  /// The length of the prefix of the buffer that ends at the last record boundary, or nil.
  private func lastBoundary() -> Int? {
    let bytes = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[0..<filled])
    if !csvQuotes {
      return Self.lastNewline(bytes, from: 0, to: bytes.count, bareCR: false).map { $0 + 1 }
    }
    return Self.scanQuotes(bytes, inQuotes: carryInQuotes).lastBoundary
  }

  /// Follows CSV quoting through `bytes` (RFC 4180, as `CSVReader` reads it): a `"` opens a
  /// quoted field only at the start of a field; inside one, `""` is a quote and a lone `"` closes
  /// it; a `"` in the middle of an unquoted field is an ordinary character. Returns whether the
  /// end is inside a quoted field, and the length of the prefix ending at the last line break
  /// (LF, or a bare CR) outside quotes.
  static func scanQuotes(_ bytes: UnsafeBufferPointer<UInt8>, inQuotes start: Bool) -> (inQuotes: Bool, lastBoundary: Int?) {
    guard let base = bytes.baseAddress else { return (start, nil) }
    var inQuotes = start
    var last: Int? = nil
    var i = 0
    let n = bytes.count
    while i < n {
      if inQuotes {
        // Find the next quote; line breaks before it are inside the field.
        guard let found = memchr(base + i, Int32(CSVSyntax.quote), n - i) else { return (true, last) }
        let q = UnsafeRawPointer(found) - UnsafeRawPointer(base)
        if q + 1 < n && bytes[q + 1] == CSVSyntax.quote {
          i = q + 2  // an escaped quote
          continue
        }
        if q + 1 == n { return (true, last) }  // cannot tell yet: the chunk ends on a quote
        inQuotes = false
        i = q + 1
        continue
      }
      // Outside quotes: the next quote that opens a field, remembering line breaks before it.
      guard let found = memchr(base + i, Int32(CSVSyntax.quote), n - i) else {
        if let newline = lastNewline(bytes, from: i, to: n, bareCR: true) { last = newline + 1 }
        return (false, last)
      }
      let q = UnsafeRawPointer(found) - UnsafeRawPointer(base)
      if let newline = lastNewline(bytes, from: i, to: q, bareCR: true) { last = newline + 1 }
      let opensField = q == 0 ? !start || i > 0 : CSVSyntax.opensQuotedField(after: bytes[q - 1])
      if opensField { inQuotes = true }
      i = q + 1
    }
    return (inQuotes, last)
  }

  /// The carriage returns not followed by a line feed and outside quoted fields: `CSVReader`
  /// ends a record (and counts a line) at each, so the chunk's line count must too, or file
  /// lines after an old-Mac line end would differ between the parallel and the sequential path.
  /// Cheap when there are none (the usual case, CRLF files included): each CR is found by
  /// `memchr` and checked against the next byte; only a chunk holding a bare CR is scanned
  /// byte by byte for its quoting.
  static func bareCarriageReturns(_ bytes: UnsafeBufferPointer<UInt8>, inQuotes start: Bool) -> Int {
    guard let base = bytes.baseAddress else { return 0 }
    let n = bytes.count
    var i = 0
    var anyBare = false
    while i < n, let found = memchr(base + i, Int32(CSVSyntax.carriageReturn), n - i) {
      let r = UnsafeRawPointer(found) - UnsafeRawPointer(base)
      if r + 1 >= n || bytes[r + 1] != CSVSyntax.lineFeed {
        anyBare = true
        break
      }
      i = r + 2
    }
    guard anyBare else { return 0 }
    var count = 0
    var inQuotes = start
    var fieldStart = !start
    i = 0
    while i < n {
      let c = bytes[i]
      if inQuotes {
        if c == CSVSyntax.quote {
          if i + 1 < n && bytes[i + 1] == CSVSyntax.quote { i += 2; continue }
          inQuotes = false
        }
        i += 1
        continue
      }
      switch c {
      case CSVSyntax.quote: if fieldStart { inQuotes = true }
      case CSVSyntax.carriageReturn: if i + 1 >= n || bytes[i + 1] != CSVSyntax.lineFeed { count += 1 }
      default: break
      }
      fieldStart = CSVSyntax.opensQuotedField(after: c)
      i += 1
    }
    return count
  }

  /// The index of the last line break in `bytes[from..<to]`, scanning backwards: a LF, or, with
  /// `bareCR` (CSV, whose reader also ends a record at an old-Mac line end), a CR whose next
  /// byte is known and is not a LF. A CR that is the last byte read is not a break yet: a LF
  /// may follow in the next read.
  private static func lastNewline(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, bareCR: Bool) -> Int? {
    var i = to - 1
    while i >= from {
      if bytes[i] == CSVSyntax.lineFeed { return i }
      if bareCR && bytes[i] == CSVSyntax.carriageReturn && i + 1 < bytes.count && bytes[i + 1] != CSVSyntax.lineFeed { return i }
      i -= 1
    }
    return nil
  }

  /// Emits the first `count` bytes of the buffer as a chunk and moves the rest to the front.
  private mutating func emit(count: Int) -> Chunk {
    let source = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[0..<count])
    let bytes = Array(source)
    var lines = 0
    var inQuotes = carryInQuotes
    if let base = source.baseAddress {
      var i = 0
      while i < count, let found = memchr(base + i, Int32(CSVSyntax.lineFeed), count - i) {
        lines += 1
        i = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
      }
      if csvQuotes {
        inQuotes = Self.scanQuotes(source, inQuotes: carryInQuotes).inQuotes
        lines += Self.bareCarriageReturns(source, inQuotes: carryInQuotes)
      }
    }
    let rest = filled - count
    if rest > 0 {
      UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + count, byteCount: rest)
    }
    filled = rest
    carryInQuotes = inQuotes
    let chunk = Chunk(bytes: bytes, linesBefore: linesBefore, index: index, lines: lines)
    linesBefore += lines
    index += 1
    return chunk
  }
}
