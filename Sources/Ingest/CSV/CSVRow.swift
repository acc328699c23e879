/// One CSV record, valid only during the callback that receives it.
///
/// Fields are byte ranges in the reader's buffer; nothing is copied or decoded until a caller asks
/// for a column it uses (`string(_:)`), and quoted fields are already unescaped (`""` → `"`).
public struct CSVRow {
  /// The 1-based physical line on which the record starts (the header is line 1).
  public let line: Int
  /// True when a quoted field was followed by stray characters or never closed.
  public let isMalformed: Bool
  private let bytes: UnsafeBufferPointer<UInt8>
  private let ranges: UnsafeBufferPointer<Range<Int>>

  init(
    line: Int, isMalformed: Bool, bytes: UnsafeBufferPointer<UInt8>,
    ranges: UnsafeBufferPointer<Range<Int>>
  ) {
    self.line = line
    self.isMalformed = isMalformed
    self.bytes = bytes
    self.ranges = ranges
  }

  /// The number of fields in the record.
  public var count: Int { ranges.count }

  /// The bytes of field `index`.
  @inline(__always)
  public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
    let range = ranges[index]
    return UnsafeBufferPointer(rebasing: bytes[range])
  }

  /// True when field `index` is empty.
  @inline(__always)
  public func isEmpty(_ index: Int) -> Bool { ranges[index].isEmpty }

  /// Field `index` decoded as UTF-8, or nil when it is not valid UTF-8.
  public func string(_ index: Int) -> String? {
    String(validating: field(index), as: UTF8.self)
  }
}
