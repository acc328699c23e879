#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A streaming reader of lines (JSON lines and other line-oriented exports) over bytes.
///
/// Reads the source in blocks into one buffer and hands out each line as a byte range of it, so
/// memory is bounded by the longest line (at most `lineLimit`, 16 MiB by default; a longer line
/// stops the file as hostile or broken). LF and CRLF line ends, a UTF-8 byte-order mark and a
/// missing final newline are accepted; lines holding only whitespace are skipped (they are not
/// records) but still counted, so line numbers match an editor's.
public struct LineReader: ~Copyable {
  /// The default limit on one line's size.
  public static let defaultLineLimit = 16 << 20

  /// The path used in messages.
  public var path: String { source.path }

  private let source: ByteSource
  private let lineLimit: Int
  private var buffer: UnsafeMutableBufferPointer<UInt8>
  private var start = 0
  private var filled = 0
  private var atEnd = false
  private var line = 0
  private var checkedBOM = false

  /// Opens `path` (`-` for standard input; gzip files are decompressed).
  public init(path: String, blockSize: Int = 1 << 20, lineLimit: Int = defaultLineLimit)
    throws(IngestError)
  {
    self.init(source: try ByteSource(path: path), blockSize: blockSize, lineLimit: lineLimit)
  }

  /// Reads `source` (a file, or a chunk in memory); `skipsBOM` is false for chunks after the first.
  public init(source: ByteSource, blockSize: Int = 1 << 20, lineLimit: Int = defaultLineLimit, skipsBOM: Bool = true) {
    self.source = source
    self.lineLimit = max(lineLimit, 16)
    buffer = .allocate(capacity: max(blockSize, 16))
    checkedBOM = !skipsBOM
  }

  deinit { buffer.deallocate() }

  /// Calls `body` with the 1-based line number and bytes (without the line end) of every
  /// non-blank line, in order. Stops early when `body` returns false.
  public mutating func forEachLine<E: Error>(
    _ body: (Int, UnsafeBufferPointer<UInt8>) throws(E) -> Bool
  ) throws {
    while true {
      if start >= filled {
        if atEnd { return }
        try refill()
        continue
      }
      if !checkedBOM {
        if filled - start < 3 && !atEnd { try refill(); continue }
        checkedBOM = true
        start += ByteOrderMark.length(in: buffer, from: start, to: filled)
        continue
      }
      let base = buffer.baseAddress! + start
      let available = filled - start
      var end: Int
      var next: Int
      if let found = memchr(base, 0x0A, available) {
        end = start + (UnsafeMutableRawPointer(found) - UnsafeMutableRawPointer(base))
        next = end + 1
      } else if atEnd {
        end = filled
        next = filled
      } else {
        try refill()
        continue
      }
      line += 1
      if end > start && buffer[end - 1] == 0x0D { end -= 1 }
      let bytes = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(buffer)[start..<end])
      start = next
      if Self.isBlank(bytes) { continue }
      if try !body(line, bytes) { return }
    }
  }

  private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte != 0x20 && byte != 0x09 { return false }
    return true
  }

  /// Moves the unread tail to the front and reads more, growing the buffer for long lines.
  private mutating func refill() throws(IngestError) {
    try BlockRefill.refill(
      &buffer, start: &start, filled: &filled, atEnd: &atEnd, source: source, limit: lineLimit, line: line + 1)
  }

}
