/// Why compressed bytes could not be decoded: the stream is truncated, corrupt, or uses a feature
/// this decoder does not read. `offset` is the byte offset in the compressed input where the
/// problem was found, so a message can name `file: byte N`.
public enum CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input ended inside a stream (a block, a header or a trailer).
  case truncated(format: String, offset: Int)
  /// The bytes break the format's rules (`reason` says which).
  case corrupt(format: String, offset: Int, reason: String)
  /// A check value does not match the decoded bytes (CRC-32, Adler-32, ISIZE, CRC-32C).
  case checksumMismatch(format: String, offset: Int, expected: UInt32, actual: UInt32)
  /// A valid stream using a feature that is not read (a preset dictionary, an encrypted member).
  case unsupported(format: String, offset: Int, feature: String)
  /// The decoded output would exceed a limit set by the caller (a zip bomb, a hostile block).
  case limitExceeded(format: String, offset: Int, limit: Int, what: String)

  /// The byte offset in the compressed input where the problem was found.
  public var offset: Int {
    switch self {
    case .truncated(_, let o), .corrupt(_, let o, _), .checksumMismatch(_, let o, _, _), .unsupported(_, let o, _),
      .limitExceeded(_, let o, _, _):
      return o
    }
  }

  public var description: String {
    switch self {
    case .truncated(let format, let offset):
      return "the \(format) data ends early (truncated at byte \(offset)); re-download or re-export it"
    case .corrupt(let format, let offset, let reason):
      return "the \(format) data is corrupt at byte \(offset): \(reason); re-download or re-export it"
    case .checksumMismatch(let format, let offset, let expected, let actual):
      let e = String(expected, radix: 16), a = String(actual, radix: 16)
      return "the \(format) check value at byte \(offset) is \(e) but the data gives \(a): the file is corrupt; re-download or re-export it"
    case .unsupported(let format, let offset, let feature):
      return "the \(format) data at byte \(offset) uses \(feature), which is not read; re-export it without it"
    case .limitExceeded(let format, let offset, let limit, let what):
      return "the \(format) data at byte \(offset) expands past the limit of \(limit) bytes for \(what); if it is genuine, split it into smaller files"
    }
  }
}
