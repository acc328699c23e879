/// An Avro object container file (specification 1.12, "Object Container Files"), read block by
/// block from a `ByteSource` in bounded memory.
///
/// The header is read by `init`: the magic `Obj` 0x01, the metadata map (`avro.schema` the
/// writer's schema as JSON, required; `avro.codec`, absent meaning `null`; every entry is kept in
/// `metadata`, in file order), and the 16-byte sync marker. Then `nextBlock` hands out one raw
/// block at a time: a record count and a byte size (zig-zag varint longs), that many bytes of
/// (compressed) data, and the sync marker again. A header and no block is a valid file with no
/// records; a block of 0 records is legal.
///
/// Refused, as `IngestError.invalidAvro` naming the byte offset and the fix: another magic, a
/// missing or invalid schema, a codec other than null, deflate and snappy (by name), a header
/// over 64 MiB, a negative record count or byte size, a count over 2^40, a block larger than
/// `blockLimit` (checked before anything is allocated), a sync marker that differs from the
/// header's, and a file that ends inside any of these. Records are decoded by `AvroTranscoder`,
/// which may run on other threads.
///
/// The source must be at the start of the file (a caller that looked at the first bytes hands
/// them back with `ByteSource.unread`).
public struct AvroFile {
  /// The largest block accepted by default (stored size, and decompressed size in the
  /// transcoder): 64 MiB. Writers use 16 KiB (fastavro) to 64 KiB (Java) blocks.
  public static let defaultBlockLimit = 64 << 20
  /// The largest header accepted (the schema and metadata): 64 MiB.
  public static let headerLimit = 64 << 20
  static let magic: [UInt8] = [0x4F, 0x62, 0x6A, 0x01]

  /// The file's path, for messages.
  public var path: String { input.path }
  /// The writer's schema.
  public let schema: AvroSchema
  /// The writer's schema as written in the header.
  public let schemaJSON: String
  /// The blocks' codec.
  public let codec: AvroCodec
  /// Every metadata entry of the header, in file order (`avro.schema` and `avro.codec`
  /// included).
  public let metadata: [(key: String, value: [UInt8])]
  /// The 16-byte sync marker that follows the header and every block.
  public let syncMarker: [UInt8]
  /// The largest block accepted.
  public let blockLimit: Int
  /// The file offset of the first block (the header's size).
  public let headerSize: Int

  private var input: AvroInput
  private var blockIndex = 0
  private var recordsBefore = 0

  /// Reads the header of the file in `source`.
  ///
  /// - Throws: `IngestError.invalidAvro` (or the source's read errors).
  public init(source: ByteSource, blockLimit: Int = AvroFile.defaultBlockLimit) throws(IngestError) {
    var input = AvroInput(source: source)
    self.blockLimit = blockLimit
    var magic: [UInt8] = []
    while magic.count < 4, try !input.isAtEnd() { magic.append(try input.byte("the magic")) }
    guard magic == Self.magic else {
      throw input.failure(
        magic.isEmpty
          ? "the file is empty, not an Avro object container file; check the export"
          : "not an Avro object container file: it does not start with the bytes 'Obj' 0x01 (it starts \(VisibleText.escaped(VisibleText.quoted(magic)))); check that this is an Avro export",
        at: 0)
    }
    var entries: [(key: String, value: [UInt8])] = []
    var schemaEntry: (bytes: [UInt8], offset: Int)? = nil
    var codecEntry: (bytes: [UInt8], offset: Int)? = nil
    while true {
      let at = input.offset
      var count = try input.long("the header's metadata map")
      if count == 0 { break }
      if count < 0 {
        guard count != Int64.min else { throw input.failure("the metadata map's count is invalid; \(AvroInput.corrupt)", at: at) }
        count = -count
        let size = try input.long("the metadata map's block size")
        guard size >= 0 else { throw input.failure("the metadata map's block size is negative; \(AvroInput.corrupt)", at: at) }
      }
      for _ in 0..<count {
        let key = try input.string("a metadata key", limit: Self.headerLimit)
        let valueOffset = input.offset
        let value = try input.string("a metadata value", limit: Self.headerLimit)
        guard input.offset <= Self.headerLimit else {
          throw input.failure(
            "the header is larger than the \(Self.headerLimit >> 20) MiB limit; check that this is an Avro file, else re-export it",
            at: valueOffset)
        }
        let name = String(decoding: key, as: UTF8.self)
        entries.append((name, value))
        if name == "avro.schema" { schemaEntry = (value, valueOffset) }
        if name == "avro.codec" { codecEntry = (value, valueOffset) }
      }
    }
    syncMarker = try input.bytes(16, "the header's sync marker")
    headerSize = input.offset
    guard let schemaEntry else {
      throw input.failure(
        "the header has no avro.schema entry, so its records cannot be read; re-export the file with its schema", at: 4)
    }
    codec = try codecEntry.map { e throws(IngestError) in try AvroCodec.named(e.bytes, path: source.path, offset: e.offset) } ?? .null
    var parser = AvroSchemaParser(path: source.path, offset: schemaEntry.offset)
    schema = try parser.parse(schemaEntry.bytes)
    schemaJSON = String(decoding: schemaEntry.bytes, as: UTF8.self)
    metadata = entries
    self.input = input
  }

  /// The next block, still compressed; nil at the end of the file.
  ///
  /// - Throws: `IngestError.invalidAvro` for a corrupt, oversized or truncated block.
  public mutating func nextBlock() throws(IngestError) -> AvroBlock? {
    let start = input.offset
    if try input.isAtEnd() { return nil }
    let number = blockIndex + 1
    let count = try input.long("the record count of block \(number)")
    guard count >= 0 && count <= 1 << 40 else {
      throw input.failure("block \(number) says it holds \(count) records; \(AvroInput.corrupt)", at: start)
    }
    let sizeOffset = input.offset
    let size = try input.long("the byte size of block \(number)")
    guard size >= 0 else {
      throw input.failure("block \(number) says it is \(size) bytes long; \(AvroInput.corrupt)", at: sizeOffset)
    }
    guard size <= blockLimit else {
      throw input.failure(
        "block \(number) claims \(size) bytes, more than the limit of \(blockLimit) bytes per block (nothing was read); if the file is genuine, re-export it with smaller blocks (a smaller sync interval)",
        at: sizeOffset)
    }
    let dataOffset = input.offset
    if let total = input.source.byteCount, dataOffset + Int(size) + 16 > total {
      throw input.failure(
        "the file ends inside block \(number), whose \(size) bytes and sync marker would end at byte \(dataOffset + Int(size) + 16) of \(total); \(AvroInput.corrupt)",
        at: total)
    }
    let data = try input.bytes(Int(size), "block \(number)")
    let syncOffset = input.offset
    let sync = try input.bytes(16, "the sync marker of block \(number)")
    guard sync == syncMarker else {
      throw input.failure(
        "the sync marker after block \(number) differs from the header's: the block's size is wrong or the file is corrupt (or two files were joined); re-download or re-export it",
        at: syncOffset)
    }
    guard recordsBefore <= Int.max - Int(count) else {
      throw input.failure("block \(number) takes the file's record count past 2^63; \(AvroInput.corrupt)", at: start)
    }
    let block = AvroBlock(
      index: blockIndex, recordCount: Int(count), bytes: data, fileOffset: start, dataOffset: dataOffset,
      firstRecord: recordsBefore)
    blockIndex += 1
    recordsBefore += Int(count)
    return block
  }
}
