/// The refill step the streaming readers (`CSVReader`, `LineReader`, `JSONDocumentReader`) share: move the unread tail
/// of the buffer to its front, grow the buffer (doubling, up to `limit`) when one record fills
/// it, and read more from the source.
enum BlockRefill {
  /// Refills `buffer`, whose unread bytes are `start..<filled`; sets `atEnd` when the source is
  /// exhausted. Throws `recordTooLong` (naming `line`) when a record outgrows `limit`.
  static func refill(
    _ buffer: inout UnsafeMutableBufferPointer<UInt8>, start: inout Int, filled: inout Int, atEnd: inout Bool,
    source: ByteSource, limit: Int, line: Int
  ) throws(IngestError) {
    if start > 0 {
      let remaining = filled - start
      if remaining > 0 {
        UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
          from: buffer.baseAddress! + start, byteCount: remaining)
      }
      filled = remaining
      start = 0
    }
    if filled == buffer.count {
      guard buffer.count < limit else {
        throw .recordTooLong(path: source.path, line: line, limit: limit)
      }
      let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: min(buffer.count * 2, limit))
      _ = larger.initialize(fromContentsOf: buffer[0..<filled])
      buffer.deallocate()
      buffer = larger
    }
    let n = try source.read(into: buffer.baseAddress! + filled, count: buffer.count - filled)
    if n == 0 { atEnd = true } else { filled += n }
  }
}
