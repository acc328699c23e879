#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Ingest

/// Appends new cohort rows to a cohort file without touching its earlier bytes, atomically:
/// the previous file's bytes and the new rows go to a temporary file beside it, which is
/// renamed over it only when complete. No new rows and an existing file: nothing is written
/// (so a repeated run leaves the file as it was, byte for byte).
public enum CohortWriter {
  /// Writes `rows` after the file at `path` (or after `header` when there is none).
  public static func append(_ rows: [String], header: [String], to path: String, previousExists: Bool) throws(IngestError) {
    if previousExists && rows.isEmpty { return }
    var text: [UInt8] = []
    if previousExists {
      text = try ByteSource(path: path).readAll(limit: 1 << 32, what: "a cohort file")
      if let last = text.last, last != UInt8(ascii: "\n") { text.append(UInt8(ascii: "\n")) }
    }
    if text.isEmpty { text.append(contentsOf: (header.joined(separator: ",") + "\n").utf8) }
    for row in rows { text.append(contentsOf: row.utf8) }
    try ByteSink.write(String(decoding: text, as: UTF8.self), to: path)
  }
}
