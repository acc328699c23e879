import Foundation
import TestSupport

@testable import Ingest

/// Reading and building Avro files for the Avro tests.
enum AvroFixtures {
  static let folder = TestPaths.repository("Tests/IngestTests/Fixtures/avro")

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
  }

  /// Every record of the file `bytes` as JSON lines, through `AvroFile` and `AvroTranscoder`.
  static func transcode(_ bytes: [UInt8], path: String = "test.avro") throws(IngestError) -> String {
    var file = try AvroFile(source: ByteSource(bytes: bytes, path: path))
    let transcoder = AvroTranscoder(file: file)
    var out: [UInt8] = []
    while let block = try file.nextBlock() {
      try transcoder.appendJSONLines(of: block, to: &out)
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func transcode(named name: String) throws -> String {
    try transcode(try bytes(name), path: name)
  }

  /// The error reading `bytes` to the end throws, or nil.
  static func refusal(_ bytes: [UInt8], path: String = "test.avro") -> IngestError? {
    do {
      _ = try transcode(bytes, path: path)
      return nil
    } catch { return error }
  }

  /// A zig-zag varint long.
  static func long(_ value: Int64) -> [UInt8] {
    var n = UInt64(bitPattern: (value << 1) ^ (value >> 63))
    var out: [UInt8] = []
    while n >= 0x80 {
      out.append(UInt8(n & 0x7F) | 0x80)
      n >>= 7
    }
    out.append(UInt8(n))
    return out
  }

  static let sync: [UInt8] = Array("0123456789abcdef".utf8)

  /// A container file with `schema`, optional `codec`, and `blocks` of (count, data).
  static func file(schema: String, codec: String? = nil, blocks: [(count: Int64, data: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = Array("Obj".utf8) + [1]
    var meta: [(String, [UInt8])] = [("avro.schema", Array(schema.utf8))]
    if let codec { meta.append(("avro.codec", Array(codec.utf8))) }
    out += long(Int64(meta.count))
    for (key, value) in meta { out += long(Int64(key.utf8.count)) + Array(key.utf8) + long(Int64(value.count)) + value }
    out += long(0) + sync
    for block in blocks { out += long(block.count) + long(Int64(block.data.count)) + block.data + sync }
    return out
  }
}
