/// The CSV dialect every scanner reads (RFC 4180 as exports write it), named once. Three scans
/// apply it, each fast in its own way: `CSVReader.scanRecord` (byte by byte, fields and doubled
/// quotes), `CSVReader`'s plain-record scan (a word at a time, for records without a quote) and
/// `ChunkReader.scanQuotes` (quote to quote with memchr, to cut a file into chunks for the
/// parallel parse). They share these definitions, and `Tests/Fuzz/ChunkDifferential.swift` holds
/// them to the same records on random inputs.
///
/// The rules: fields are separated by `comma`; a `quote` opens a quoted field only at a field's
/// start (the record's start, or after a comma or a line break: `opensQuotedField(after:)`);
/// inside one, two quotes are a quote and a lone quote closes it; a quote in the middle of an
/// unquoted field is an ordinary byte. A record ends at a line feed, a CR LF pair or a lone
/// carriage return outside quotes.
public enum CSVSyntax {
  /// `,`.
  public static let comma = UInt8(ascii: ",")
  /// `"`.
  public static let quote = UInt8(ascii: "\"")
  /// LF, `\n`.
  public static let lineFeed = UInt8(ascii: "\n")
  /// CR, `\r`.
  public static let carriageReturn = UInt8(ascii: "\r")

  /// True when a quote right after `previous` opens a quoted field.
  @inlinable @inline(__always)
  public static func opensQuotedField(after previous: UInt8) -> Bool {
    previous == comma || previous == lineFeed || previous == carriageReturn
  }
}
