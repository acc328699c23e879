import Testing

@testable import Ingest

/// Corrupt, truncated and hostile Avro files: each is refused with an `invalidAvro` error naming
/// the file, the byte offset, the block or record, and the fix; nothing traps or allocates what
/// a claim says.
@Suite struct AvroHostileTests {
  static let event = #"{"type":"record","name":"E","fields":[{"name":"id","type":"long"},{"name":"s","type":"string"}]}"#

  /// One record of `event`: id, then the string's bytes.
  static func record(_ id: Int64, _ s: [UInt8]) -> [UInt8] {
    AvroFixtures.long(id) + AvroFixtures.long(Int64(s.count)) + s
  }

  static func message(_ bytes: [UInt8]) -> String {
    guard let error = AvroFixtures.refusal(bytes, path: "x.avro") else { return "(read without error)" }
    guard case .invalidAvro = error else { return "(not invalidAvro) \(error)" }
    return error.description
  }

  @Test func aWrongSyncMarkerIsCorruption() throws {
    var bytes = try AvroFixtures.bytes("blocks.avro")
    let count = bytes.count
    bytes[count - 3] ^= 0xFF  // in the last block's sync marker
    let message = Self.message(bytes)
    #expect(message.hasPrefix("x.avro: byte \(count - 16): the sync marker after block"))
    #expect(message.contains("re-download or re-export it"))
  }

  @Test func everyTruncationIsAnErrorOrAShorterFileOfWholeBlocks() throws {
    let bytes = try AvroFixtures.bytes("blocks.avro")
    let full = try AvroFixtures.transcode(bytes)
    var refused = 0
    for cut in 0..<bytes.count {
      do {
        let text = try AvroFixtures.transcode(Array(bytes[..<cut]))
        // Only a cut at a block boundary reads: then it is the records of the blocks before it.
        #expect(full.hasPrefix(text), "cut at \(cut)")
      } catch {
        guard case .invalidAvro(let path, let offset, _) = error else {
          Issue.record("cut at \(cut): \(error)")
          continue
        }
        #expect(path == "test.avro" && offset <= cut)
        refused += 1
      }
    }
    #expect(refused > bytes.count * 9 / 10)
    #expect(Self.message(Array(bytes[..<100])).contains("the file ends inside"))
  }

  @Test func negativeOrAbsurdCountsAndSizesAreCorruption() {
    let schema = Self.event
    let r = Self.record(1, Array("a".utf8))
    var bytes = AvroFixtures.file(schema: schema, blocks: [(-1, r)])
    #expect(Self.message(bytes).contains("block 1 says it holds -1 records"))
    bytes = AvroFixtures.file(schema: schema, blocks: [(1 << 41, r)])
    #expect(Self.message(bytes).contains("block 1 says it holds 2199023255552 records"))
    // 1,000 records cannot fit in 3 bytes (each takes at least 2).
    bytes = AvroFixtures.file(schema: schema, blocks: [(1000, r)])
    #expect(Self.message(bytes).contains("more than its 3 bytes can hold (at least 2 bytes each)"))
    // A negative byte size.
    bytes = AvroFixtures.file(schema: schema, blocks: []) + AvroFixtures.long(1) + AvroFixtures.long(-5)
    #expect(Self.message(bytes).contains("block 1 says it is -5 bytes long"))
  }

  @Test func aHugeClaimedBlockSizeIsRefusedBeforeAnythingIsAllocated() {
    let header = AvroFixtures.file(schema: Self.event, blocks: [])
    let bytes = header + AvroFixtures.long(1) + AvroFixtures.long(1 << 50) + [1, 2, 3]
    let message = Self.message(bytes)
    #expect(message.hasPrefix("x.avro: byte \(header.count + 1): block 1 claims 1125899906842624 bytes, more than the limit of 67108864 bytes per block (nothing was read)"))
    #expect(message.contains("re-export it with smaller blocks"))
    // Within the limit but past the end of the file: refused from the file's size.
    let short = header + AvroFixtures.long(1) + AvroFixtures.long(60 << 20) + [1, 2, 3]
    #expect(Self.message(short).contains("the file ends inside block 1"))
  }

  @Test func invalidUTF8NamesTheRecordAndTheByte() {
    let good = Self.record(1, Array("ok".utf8))
    let bad = Self.record(2, [0x61, 0xC3, 0x28])  // C3 must be followed by a continuation byte
    let bytes = AvroFixtures.file(schema: Self.event, blocks: [(1, good), (2, good + bad)])
    let header = AvroFixtures.file(schema: Self.event, blocks: []).count
    let secondData = header + good.count + 2 + 16 + 2  // block 1, its sync, block 2's count and size
    let badByte = secondData + good.count + 2 + 1
    #expect(
      Self.message(bytes)
        == "x.avro: byte \(badByte): record 3, in block 2 (at byte \(header + good.count + 2 + 16)): a string holds bytes that are not UTF-8 (at byte 1 of the string); the file is corrupt, or its data does not match its schema; re-download or re-export it")
    for invalid: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
      let file = AvroFixtures.file(schema: Self.event, blocks: [(1, Self.record(1, invalid))])
      #expect(Self.message(file).contains("not UTF-8"), "\(invalid)")
    }
  }

  @Test func badValuesAreCorruption() {
    func refused(_ schema: String, _ data: [UInt8], count: Int64 = 1) -> String {
      Self.message(AvroFixtures.file(schema: schema, blocks: [(count, data)]))
    }
    let long = #"{"type":"record","name":"R","fields":[{"name":"v","type":"long"}]}"#
    let int = #"{"type":"record","name":"R","fields":[{"name":"v","type":"int"}]}"#
    #expect(refused(long, [UInt8](repeating: 0xFF, count: 10) + [0x01]).contains("a long is a varint of more than 10 bytes"))
    #expect(refused(long, [UInt8](repeating: 0xFF, count: 9) + [0x02]).contains("more than 10 bytes or 64 bits"))
    #expect(refused(int, [0xFF, 0xFF, 0xFF, 0xFF, 0x10]).contains("an int is a varint of more than 5 bytes or 32 bits"))
    #expect(refused(long, [0x80]).contains("the data ends inside a long"))
    #expect(refused(long, [0x02, 0x02], count: 1).contains("1 bytes are left after the block's last record"))
    let boolean = #"{"type":"record","name":"R","fields":[{"name":"v","type":"boolean"}]}"#
    #expect(refused(boolean, [2]).contains("a boolean is 2, not 0 or 1"))
    let union = #"{"type":"record","name":"R","fields":[{"name":"v","type":["null","long"]}]}"#
    #expect(refused(union, [4]).contains("a union branch is 2, but the union has 2 branches"))
    #expect(refused(union, [1]).contains("a union branch is -1"))
    let enumeration = #"{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"enum","name":"C","symbols":["A"]}}]}"#
    #expect(refused(enumeration, [2]).contains("an enum index is 1, but the enum has 1 symbols"))
    let array = #"{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"array","items":"long"}}]}"#
    #expect(refused(array, AvroFixtures.long(1 << 40) + [0, 0]).contains("claims 1099511627776 items, more than the 2 bytes left can hold"))
    #expect(refused(array, AvroFixtures.long(-1) + AvroFixtures.long(-3) + [2, 0]).contains("a negative byte size"))
    let string = #"{"type":"record","name":"R","fields":[{"name":"v","type":"string"}]}"#
    #expect(refused(string, AvroFixtures.long(-1)).contains("a string has a negative length (-1)"))
    #expect(refused(string, AvroFixtures.long(100) + [0x61]).contains("a string of 100 bytes runs past the end of the data (1 bytes left)"))
    let decimal = #"{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"bytes","logicalType":"decimal","precision":9000}}]}"#
    #expect(refused(decimal, AvroFixtures.long(2000) + [UInt8](repeating: 1, count: 2000)).contains("a decimal is 2000 bytes long, past the limit of 1024 bytes"))
  }

  @Test func emptyValuesWithoutEndStopAtTheOutputLimit() throws {
    // Records of no bytes: a block of a billion nulls, and an array of 2^40 empty records.
    #expect(AvroTranscoder.defaultOutputLimit == 256 << 20)
    let empty = #"{"type":"record","name":"R","fields":[{"name":"v","type":"null"}]}"#
    let nested = #"{"type":"record","name":"R","fields":[{"name":"v","type":{"type":"array","items":{"type":"record","name":"X","fields":[]}}}]}"#
    for (schema, block) in [(empty, (Int64(1) << 30, [UInt8]())), (nested, (Int64(1), AvroFixtures.long(1 << 40) + [0]))] {
      let bytes = AvroFixtures.file(schema: schema, blocks: [block])
      var file = try AvroFile(source: ByteSource(bytes: bytes, path: "x.avro"))
      let first = try #require(try file.nextBlock())
      let small = AvroTranscoder(schema: file.schema, codec: .null, path: "x.avro", outputLimit: 4 << 20)
      var out: [UInt8] = []
      let error = #expect(throws: IngestError.self) { try small.appendJSONLines(of: first, to: &out) }
      #expect(error?.description.contains("transcode to more than the 4 MiB limit of JSON per block") == true)
      #expect(out.isEmpty)
    }
  }

  @Test func deepRecursionIsRefusedAtTheJSONReadersDepth() {
    let list = #"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}"#
    let deep = [UInt8](repeating: 2, count: 100) + [0]  // 100 nested records, then null
    #expect(Self.message(AvroFixtures.file(schema: list, blocks: [(1, deep)])).contains("values nest deeper than 64 levels"))
    let shallow = [UInt8](repeating: 2, count: 60) + [0]
    #expect(Self.message(AvroFixtures.file(schema: list, blocks: [(1, shallow)])) == "(read without error)")
  }

  @Test func aSnappyBlockWithAWrongCRCIsRefused() throws {
    var bytes = try AvroFixtures.bytes("all-types.snappy.fastavro.avro")
    var file = try AvroFile(source: ByteSource(bytes: bytes, path: "s.avro"))
    let block = try #require(try file.nextBlock())
    let crcOffset = block.dataOffset + block.bytes.count - 4
    bytes[crcOffset] ^= 1
    let message = Self.message(bytes)
    #expect(message.hasPrefix("x.avro: byte \(crcOffset): block 1 (at byte \(block.fileOffset)) does not decompress: the Snappy (Avro block CRC-32) check value"))
  }

  @Test func headersThatAreNotAvroAreRefused() {
    #expect(Self.message([]).contains("the file is empty, not an Avro object container file"))
    #expect(Self.message(Array("{\"id\":1}\n".utf8)).contains("not an Avro object container file: it does not start with the bytes 'Obj' 0x01 (it starts '{\"id')"))
    let noSchema: [UInt8] = Array("Obj".utf8) + [1, 0] + AvroFixtures.sync
    #expect(Self.message(noSchema).contains("the header has no avro.schema entry"))
    let hugeKey: [UInt8] = Array("Obj".utf8) + [1, 2] + AvroFixtures.long(1 << 40)
    #expect(Self.message(hugeKey).contains("a metadata key claims 1099511627776 bytes, more than the header's limit"))
    #expect(Self.message(Array(AvroFixtures.file(schema: Self.event, blocks: []).dropLast(3))).contains("the file ends inside the header's sync marker"))
  }
}
