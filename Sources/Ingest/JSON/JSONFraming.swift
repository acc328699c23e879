/// How the JSON records of a file are laid out: one per line, as the elements of a top-level
/// array, or as documents one after another (pretty-printed objects).
///
/// `detect(_:)` decides from the start of the stream, so it works on gzip pipes and standard
/// input too (the bytes it looks at are handed back to the source):
///
/// - the first byte that is not whitespace (after a UTF-8 byte-order mark) is `[`: `array`;
/// - it is `{` and that object goes on past the end of its first line, with its braces closing
///   later: `concatenated`;
/// - anything else: `lines`, today's reading, one record per line. This includes a first object
///   that ends on its line, a first line cut off inside a string (a raw line break in a string is
///   not JSON), and a first object that never closes (a truncated first line): the line reader
///   rejects such lines one by one, as before.
public enum JSONFraming: String, Sendable, Equatable, CustomStringConvertible {
  /// One JSON object per line (JSON lines, NDJSON).
  case lines
  /// A top-level array whose elements are the records.
  case array
  /// Objects one after another, pretty-printed or not, separated by optional whitespace.
  case concatenated

  /// How `holdout inspect` names the framing.
  public var description: String {
    switch self {
    case .lines: return "JSON lines"
    case .array: return "JSON array (one record per element)"
    case .concatenated: return "concatenated JSON documents"
    }
  }

  /// True when records can be found by line breaks alone, so that the file can be cut into
  /// chunks and parsed in parallel (`ChunkReader`).
  public var isLineOriented: Bool { self == .lines }

  /// Looks at the start of `source` (reading at most `limit` bytes, and usually one block) and
  /// hands the bytes it read back to it (`ByteSource.unread`), so the chosen reader sees the
  /// whole stream.
  /// - Throws: `IngestError` when the source cannot be read.
  public static func detect(_ source: ByteSource, limit: Int = JSONDocumentReader.defaultDocumentLimit)
    throws(IngestError) -> JSONFraming
  {
    var capacity = 1 << 16
    var head = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
    defer { head.deallocate() }
    var count = 0
    var atEnd = false
    while true {
      if count == capacity {
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity * 2)
        _ = larger.initialize(fromContentsOf: head[0..<count])
        head.deallocate()
        head = larger
        capacity *= 2
      }
      let n = try source.read(into: head.baseAddress! + count, count: capacity - count)
      count += n
      atEnd = n == 0 || count >= limit
      let bytes = UnsafeBufferPointer(rebasing: UnsafeBufferPointer(head)[0..<count])
      if let framing = decide(bytes, atEnd: atEnd) {
        source.unread(Array(bytes))
        return framing
      }
    }
  }

  /// The framing of a stream that starts with `bytes`, or nil when more bytes are needed
  /// (`atEnd` false). With `atEnd`, always decides.
  public static func decide(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> JSONFraming? {
    if bytes.count < 3 && !atEnd { return nil }
    var i = ByteOrderMark.length(in: bytes, from: 0, to: bytes.count)
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
      i += 1
    }
    guard i < bytes.count else { return atEnd ? .lines : nil }
    if bytes[i] == UInt8(ascii: "[") { return .array }
    guard bytes[i] == UInt8(ascii: "{") else { return .lines }
    var depth = 0
    var inString = false
    var string = JSONStringState()
    var multiLine = false
    while i < bytes.count {
      let c = bytes[i]
      i += 1
      if inString {
        switch string.step(c) {
        case .inside: break
        case .closed: inString = false
        case .lineBreak: return .lines  // a raw line break inside a string: a cut-off line
        }
        continue
      }
      switch c {
      case UInt8(ascii: "\""):
        inString = true
        string = JSONStringState()
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return multiLine ? .concatenated : .lines }
      case 0x0A: multiLine = true
      default: break
      }
    }
    return atEnd ? .lines : nil
  }
}
