import Compression

/// The compression of an Avro file's blocks (`avro.codec` in the header; absent means `null`).
///
/// Read: `null` (stored as is), `deflate` (raw DEFLATE, RFC 1951, no zlib or gzip wrapper) and
/// `snappy` (raw Snappy, followed by the 4-byte big-endian CRC-32 of the uncompressed block: the
/// IEEE CRC-32 of zlib, as Java, fastavro and Ruby write it, which is checked). Every other codec
/// (`bzip2`, `xz`, `zstandard`, a custom one) is refused by name when the header is read, with
/// the two ways out: re-export with null, deflate or snappy, or convert with
/// `avro-tools recodec`.
public enum AvroCodec: String, Sendable, Equatable, CaseIterable {
  case null, deflate, snappy

  /// The codecs of the specification and common writers that are not read, for the message.
  static let known = ["bzip2", "xz", "zstandard", "zstd", "lz4", "brotli"]

  /// The codec named `name` in a header, or the error that refuses it by name.
  static func named(_ bytes: [UInt8], path: String, offset: Int) throws(IngestError) -> AvroCodec {
    let name = String(decoding: bytes, as: UTF8.self)
    if let codec = AvroCodec(rawValue: name) { return codec }
    let shown = VisibleText.escaped(VisibleText.quoted(bytes))
    let kind = known.contains(name) ? "the Avro codec \(shown)" : "an unknown Avro codec \(shown)"
    throw .invalidAvro(
      path: path, offset: offset,
      reason:
        "the file's blocks are compressed with \(kind), which Holdout does not read (it reads null, deflate and snappy); re-export with one of those, or convert the file: avro-tools recodec --codec=deflate IN.avro OUT.avro")
  }

  /// The block's data, uncompressed; at most `limit` bytes.
  ///
  /// - Throws: `IngestError.invalidAvro` naming the file offset of the problem in the block (the
  ///   compressed data's offset plus the decoder's) and the block.
  func decompress(_ block: AvroBlock, path: String, limit: Int) throws(IngestError) -> [UInt8] {
    switch self {
    case .null:
      return block.bytes
    case .deflate:
      do {
        return try Inflate.raw(block.bytes, limit: limit)
      } catch {
        throw Self.failure(error, block, path: path)
      }
    case .snappy:
      let n = block.bytes.count
      guard n >= 4 else {
        throw .invalidAvro(
          path: path, offset: block.dataOffset,
          reason: "block \(block.index + 1) is \(n) bytes, too short for a snappy block and its 4-byte CRC-32; the file is corrupt or cut short, re-download or re-export it")
      }
      do throws(CompressionError) {
        let output = try block.bytes.withUnsafeBufferPointer { (all) throws(CompressionError) -> [UInt8] in
          try Snappy.decompress(UnsafeBufferPointer(rebasing: all[0..<n - 4]), limit: limit)
        }
        let stored = UInt32(block.bytes[n - 4]) << 24 | UInt32(block.bytes[n - 3]) << 16 | UInt32(block.bytes[n - 2]) << 8
          | UInt32(block.bytes[n - 1])
        let actual = SlicingCRC32.ieee.checksum(output)
        guard stored == actual else {
          throw .checksumMismatch(format: "Snappy (Avro block CRC-32)", offset: n - 4, expected: stored, actual: actual)
        }
        return output
      } catch {
        throw Self.failure(error, block, path: path)
      }
    }
  }

  private static func failure(_ error: CompressionError, _ block: AvroBlock, path: String) -> IngestError {
    .invalidAvro(
      path: path, offset: block.dataOffset + error.offset,
      reason: "block \(block.index + 1) (at byte \(block.fileOffset)) does not decompress: \(error.description)")
  }
}
