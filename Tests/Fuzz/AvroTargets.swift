#if canImport(Glibc)
  import Glibc
#endif
@testable import Compression
@testable import Ingest

/// The fuzz targets of the Avro reader and of Snappy (`Sources/Ingest/Avro/`,
/// `Sources/Compression/Snappy.swift`).
enum AvroTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [
    ("avro-header", header), ("avro-blocks", blocks), ("snappy", snappy),
  ]

  /// A whole file: the header and schema parsed from the bytes, then up to 64 blocks
  /// transcoded with small limits; every line written must be a JSON object `JSONScanner` reads.
  static func header(_ bytes: [UInt8]) {
    do {
      var file = try AvroFile(source: ByteSource(bytes: bytes, path: "fuzz.avro"), blockLimit: 1 << 16)
      let transcoder = AvroTranscoder(file: file, outputLimit: 1 << 20)
      var blocks = 0
      while blocks < 64, let block = try file.nextBlock() {
        blocks += 1
        checkLines(transcoder, block)
      }
    } catch {}
  }

  /// The schema of `Tests/IngestTests/Fixtures/avro/all-types.*` (every type and logical type)
  /// with a recursive `next` field; its seeds are records written by fastavro.
  static let schema = #"{"type":"record","name":"AllTypes","namespace":"holdout.test","fields":[{"name":"n","type":"null"},{"name":"flag","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"b","type":"bytes"},{"name":"s","type":"string"},{"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},{"name":"four","type":{"type":"fixed","name":"Four","size":4}},{"name":"ints","type":{"type":"array","items":"int"}},{"name":"tags","type":{"type":"map","values":"string"}},{"name":"maybe","type":["null","string"]},{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"a","type":"int"},{"name":"words","type":{"type":"array","items":"string"}}]}},{"name":"choice","type":["null","long","Inner","holdout.test.Color"]},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":40,"scale":3}},{"name":"cents","type":{"type":"fixed","name":"Cents","size":8,"logicalType":"decimal","precision":18,"scale":2}},{"name":"uid","type":{"type":"string","logicalType":"uuid"}},{"name":"day","type":{"type":"int","logicalType":"date"}},{"name":"tmillis","type":{"type":"int","logicalType":"time-millis"}},{"name":"tmicros","type":{"type":"long","logicalType":"time-micros"}},{"name":"tsmillis","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"tsmicros","type":{"type":"long","logicalType":"timestamp-micros"}},{"name":"tsnanos","type":{"type":"long","logicalType":"timestamp-nanos"}},{"name":"localmillis","type":{"type":"long","logicalType":"local-timestamp-millis"}},{"name":"localmicros","type":{"type":"long","logicalType":"local-timestamp-micros"}},{"name":"localnanos","type":{"type":"long","logicalType":"local-timestamp-nanos"}},{"name":"uidfixed","type":{"type":"fixed","name":"U16","size":16,"logicalType":"uuid"}},{"name":"span","type":{"type":"fixed","name":"Span","size":12,"logicalType":"duration"}},{"name":"unknown","type":{"type":"string","logicalType":"color-name"}},{"name":"baddate","type":{"type":"string","logicalType":"date"}},{"name":"next","type":["null","AllTypes"]}]}"#

  static let transcoders: [AvroTranscoder] = {
    let parsed = try! AvroSchema.parse(Array(schema.utf8), path: "fuzz-schema")
    return [AvroCodec.null, .snappy].map {
      AvroTranscoder(schema: parsed, codec: $0, path: "fuzz.avro", blockLimit: 1 << 20, outputLimit: 1 << 20)
    }
  }()

  /// One block under `schema`: the first byte's low 4 bits are the record count, bit 4 picks
  /// the snappy codec (else null); the rest is the block's data.
  static func blocks(_ bytes: [UInt8]) {
    let first = Int(bytes.first ?? 0)
    let block = AvroBlock(
      index: 0, recordCount: first & 15, bytes: Array(bytes.dropFirst()), fileOffset: 0, dataOffset: 1, firstRecord: 0)
    checkLines(transcoders[(first >> 4) & 1], block)
  }

  /// Transcodes `block`; on success there is one line per record, each a JSON object that
  /// `JSONScanner` accepts (grammar, UTF-8, depth); on failure the output is untouched.
  static func checkLines(_ transcoder: AvroTranscoder, _ block: AvroBlock) {
    var out: [UInt8] = [0x41]
    do {
      try transcoder.appendJSONLines(of: block, to: &out)
    } catch {
      FuzzTargets.check(out == [0x41], "a failed block changed the output")
      guard case .invalidAvro(_, let offset, _) = error else { return FuzzTargets.check(false, "not invalidAvro: \(error)") }
      FuzzTargets.check(offset >= 0, "negative offset \(offset)")
      return
    }
    var scanner = JSONScanner(paths: JSONFieldPaths([["n"], ["s"], ["value"]]))
    var lines = 0
    out.withUnsafeBufferPointer { all in
      var start = 1
      for i in 1..<all.count where all[i] == 0x0A {
        do { try scanner.scan(UnsafeBufferPointer(rebasing: all[start..<i])) } catch {
          FuzzTargets.check(false, "line \(lines + 1) is not JSON the scanner reads: \(error)")
        }
        lines += 1
        start = i + 1
      }
      FuzzTargets.check(start == all.count, "the output does not end with a line feed")
    }
    FuzzTargets.check(lines == block.recordCount, "\(lines) lines for \(block.recordCount) records")
  }

  /// Snappy decompression; on success the output has the preamble's length. Differential: the
  /// slicing-by-8 CRC-32C and CRC-32 of the input (and output) equal a bit-at-a-time reference.
  static func snappy(_ bytes: [UInt8]) {
    for data in [bytes] + ((try? Snappy.decompress(bytes, limit: 1 << 20)).map { [$0] } ?? []) {
      FuzzTargets.check(CRC32C.checksum(data) == bitwise(data, 0x82F6_3B78), "CRC-32C differs from the bitwise one")
      FuzzTargets.check(SlicingCRC32.ieee.checksum(data) == bitwise(data, 0xEDB8_8320), "CRC-32 differs from the bitwise one")
    }
    if let output = try? Snappy.decompress(bytes, limit: 1 << 20) {
      let length = bytes.withUnsafeBufferPointer { try? Snappy.preamble($0).length }
      FuzzTargets.check(output.count == length, "output of \(output.count) bytes for a preamble of \(String(describing: length))")
    }
  }

  static func bitwise(_ data: [UInt8], _ polynomial: UInt32) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data {
      crc ^= UInt32(b)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
    }
    return ~crc
  }
}
