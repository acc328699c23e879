/// One data block of an Avro object container file, as read from the file: still compressed by
/// the file's codec, and independent of every other block, so blocks can be shipped to worker
/// threads and transcoded in any order (`AvroTranscoder`).
public struct AvroBlock: Sendable, Equatable {
  /// The block's position in the file, from 0.
  public let index: Int
  /// The number of records the block says it holds (0 is legal: an empty block).
  public let recordCount: Int
  /// The block's data, as stored (compressed by the codec; for `snappy`, with its 4-byte CRC).
  public let bytes: [UInt8]
  /// The byte offset in the file of the block's first byte (its record count).
  public let fileOffset: Int
  /// The byte offset in the file of `bytes`.
  public let dataOffset: Int
  /// The number of records in the file before this block, so that a record's number in the file
  /// is `firstRecord + i + 1` for the i-th record of the block (from 0).
  public let firstRecord: Int

  public init(index: Int, recordCount: Int, bytes: [UInt8], fileOffset: Int, dataOffset: Int, firstRecord: Int) {
    self.index = index
    self.recordCount = recordCount
    self.bytes = bytes
    self.fileOffset = fileOffset
    self.dataOffset = dataOffset
    self.firstRecord = firstRecord
  }
}
