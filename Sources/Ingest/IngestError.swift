/// Everything that can go wrong reading an input file, with where it happened and how to fix it.
///
/// Row-level problems (a bad timestamp in one row) are not errors: they are counted as rejected
/// rows with a `RejectReason`. These cases stop the run, and map to sysexits codes in the CLI.
public enum IngestError: Error, Equatable, CustomStringConvertible {
  /// The file does not exist.
  case fileNotFound(path: String)
  /// The file exists but could not be opened or read; `reason` says why and how to fix it
  /// (see `IngestError.reading(_:errno:)`).
  case unreadable(path: String, reason: String)
  /// The path names a directory (or another non-file) where a file is needed.
  case notAFile(path: String, kind: String)
  /// The file is larger than the limit for its kind (an experiment file over 64 MiB).
  case tooLarge(path: String, limit: Int, what: String)
  /// An output file or directory could not be created or written; `reason` says why and how to
  /// fix it (see `IngestError.writing(_:errno:)`).
  case unwritable(path: String, reason: String)
  /// The file has no header row.
  case emptyFile(path: String)
  /// A required column is missing from the header.
  case missingColumn(path: String, column: String, header: [String])
  /// A CSV export of one event type needs its name given (`"event"` in the source).
  case missingEventName(path: String, column: String, hint: String)
  /// The header names a column twice.
  case duplicateColumn(path: String, column: String)
  /// A record exceeds the size limit (usually an unterminated quote swallowing the file).
  case recordTooLong(path: String, line: Int, limit: Int)
  /// A row was rejected and `--strict` was given.
  case strictRejection(path: String, line: Int, reason: String)
  /// The bytes cannot be decoded (a truncated or corrupt gzip archive, compressed standard
  /// input).
  case undecodable(path: String, reason: String)
  /// A JSON document is malformed.
  case invalidJSON(path: String, line: Int, column: Int, message: String)
  /// A folder or pattern names no file to read (`reason` says which and what was skipped).
  case noFiles(path: String, reason: String)
  /// An Avro object container file is corrupt, truncated, over a limit, or uses what is not read
  /// (a codec, an invalid schema); `offset` is the byte offset in the file, and `reason` says
  /// what is wrong (naming the block and record for a problem inside one) and how to fix it.
  case invalidAvro(path: String, offset: Int, reason: String)

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): no such file; check the path (paths in an experiment file are relative to it)"
    case .unreadable(let path, let reason):
      return "\(path): cannot be read: \(reason)"
    case .notAFile(let path, let kind):
      return "\(path): is \(kind), not a file; give the path of a file"
    case .tooLarge(let path, let limit, let what):
      return "\(path): is larger than the \(limit >> 20) MiB limit for \(what); check that this is the right file"
    case .unwritable(let path, let reason):
      return "\(path): cannot be written: \(reason)"
    case .emptyFile(let path):
      return "\(path): the file is empty (a CSV needs a header row, JSON lines at least one record); check the export"
    case .missingColumn(let path, let column, let header):
      // A binary file's "header" can be megabytes long: the message shows its start only.
      var found = header.isEmpty ? "no columns" : header.joined(separator: ",")
      if found.count > 200 { found = String(found.prefix(200)) + "… (\(header.count) columns)" }
      return "\(path):1: missing column '\(column)' (header has: \(found)); add it or rename the column"
    case .missingEventName(let path, let column, let hint):
      return "\(path):1: no '\(column)' column: \(hint)"
    case .duplicateColumn(let path, let column):
      return "\(path):1: column '\(column)' appears twice in the header; rename one of them"
    case .recordTooLong(let path, let line, let limit):
      return
        "\(path):\(line): a record is longer than \(limit) bytes (the \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit)-byte") limit per record); this usually means a quote is never closed, or that the file is not CSV or JSON-lines text"
    case .strictRejection(let path, let line, let reason):
      return "\(path):\(line): \(reason) (--strict stops at the first rejected row; drop --strict to count and skip such rows)"
    case .undecodable(let path, let reason):
      return "\(path): \(reason)"
    case .invalidJSON(let path, let line, let column, let message):
      return "\(path):\(line):\(column): invalid JSON: \(message)"
    case .noFiles(let path, let reason):
      return "\(path): \(reason); check the path and the pattern (`*` stays in one folder, `**` crosses folders)"
    case .invalidAvro(let path, let offset, let reason):
      return "\(path): byte \(offset): \(reason)"
    }
  }
}
