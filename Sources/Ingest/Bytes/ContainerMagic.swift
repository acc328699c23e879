/// Binary file formats recognised by their first bytes, so that a file Holdout does not read as
/// text is refused by name, with the way to read it, instead of being guessed as a CSV of one
/// strange column.
public enum ContainerMagic: String, Sendable, CaseIterable {
  case parquet = "Parquet"
  case orc = "ORC"
  case arrow = "Arrow IPC (Feather)"
  case avro = "Avro object container"
  case zip = "zip archive"
  case xz = "xz-compressed"
  case zstd = "Zstandard-compressed"
  case bzip2 = "bzip2-compressed"
  case sevenZip = "7-Zip archive"
  case sqlite = "SQLite database"
  case excel = "Excel or other OLE2 document"

  /// The format whose signature `head` (a file's first bytes) starts with, if any.
  public static func of(_ head: some Collection<UInt8>) -> ContainerMagic? {
    let bytes = Array(head.prefix(16))
    func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && Array(bytes[..<magic.count]) == magic }
    if starts(Array("PAR1".utf8)) { return .parquet }
    if starts(Array("ORC".utf8)) { return .orc }
    if starts(Array("ARROW1".utf8)) { return .arrow }
    if starts([0x4F, 0x62, 0x6A, 0x01]) { return .avro }
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
    if starts([0x42, 0x5A, 0x68]) && bytes.count > 3 && (0x31...0x39).contains(bytes[3]) { return .bzip2 }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
    if starts(Array("SQLite format 3\0".utf8)) { return .sqlite }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .excel }
    return nil
  }

  /// The name with "a" or "an" before it.
  public var withArticle: String {
    (rawValue.first.map { "AEIOUaeiou".contains($0) } ?? false ? "an " : "a ") + rawValue
  }

  /// The error that refuses a file of this format at `path` as CSV or JSON text.
  public func refusal(path: String) -> IngestError {
    .undecodable(path: path, reason: "is \(withArticle) file, not CSV or JSON text; \(advice)")
  }

  /// What to do with such a file, for the message that refuses it.
  public var advice: String {
    switch self {
    case .parquet, .orc, .arrow:
      return "Holdout reads \(rawValue) files through the warehouse path today: load or view them in DuckDB (read_parquet) or your warehouse and run `holdout sql` (docs/warehouse.md), or export them as CSV or JSON lines"
    case .avro:
      return "read it with \"format\": \"braze\" or \"jsonl\" (Avro files are read as records), or convert it with avro-tools tojson"
    case .zip:
      return "give the archive as the source's path (its members are read as a folder's files), or unzip it"
    case .xz, .zstd, .bzip2, .sevenZip:
      return "decompress it first (gzip-compressed files are read as they are)"
    case .sqlite, .excel:
      return "export the table as CSV first"
    }
  }
}
