import Testing
import TestSupport

@testable import Ingest

/// Avro files written by fastavro and by the Apache reference implementation, transcoded to JSON
/// lines and compared with the values the fixtures' script (`Fixtures/avro/make_fixtures.py`)
/// wrote. The deflate files are in `AvroDeflateTests` (they need the real `Inflate`).
@Suite struct AvroReaderTests {
  /// The three records of `all-types.*.avro`, as JSON lines: every type and logical type, the
  /// extremes of int and long, infinity and NaN as null, bytes as U+0000–U+00FF, a 39-digit
  /// decimal, timestamps at 0001-01-01 and 9999-12-31, before the epoch, and in three precisions.
  static let allTypes = [
    #"{"n":null,"flag":true,"i":-123,"l":9007199254740993,"f":3.14,"d":0.1,"b":"\u0000\u0001\"\\\#u{7F}\#u{80}ÿ","s":"héllo \"w\"\n☃\#u{1F600}","color":"GREEN","four":"ab\u0000þ","ints":[1,-2,3],"tags":{"k":"v","z":"\t"},"maybe":null,"inner":{"a":7,"words":["x","y"]},"choice":{"a":1,"words":[]},"price":-12.340,"cents":1234.56,"uid":"f47ac10b-58cc-4372-a567-0e02b2c3d479","day":"2024-01-01","tmillis":45296789,"tmicros":45296789012,"tsmillis":"2024-01-01T00:00:00.123Z","tsmicros":"2024-01-01T00:00:00.123456Z","tsnanos":"2024-01-01T00:00:00.123456789Z","localmillis":"1969-12-31T23:59:59.999","localmicros":"1970-01-01T00:00:00.000000","localnanos":"1969-12-31T23:59:58.500000000","uidfixed":"00010203-0405-0607-0809-0a0b0c0d0e0f","span":{"months":1,"days":2,"milliseconds":3000},"unknown":"teal","baddate":"2024-01-01"}"#,
    #"{"n":null,"flag":false,"i":2147483647,"l":-9223372036854775808,"f":null,"d":-1.5e-300,"b":"","s":"","color":"RED","four":"ÿÿÿÿ","ints":[],"tags":{},"maybe":"x","inner":{"a":-2147483648,"words":[]},"choice":42,"price":123456789012345678901234567890123456.789,"cents":-0.01,"uid":"00000000-0000-0000-0000-000000000000","day":"0001-01-01","tmillis":0,"tmicros":86399999999,"tsmillis":"0001-01-01T00:00:00.000Z","tsmicros":"9999-12-31T23:59:59.999999Z","tsnanos":"1969-12-31T23:59:59.999999999Z","localmillis":"2000-02-29T00:00:00.000","localmicros":"1969-12-31T23:59:59.999999","localnanos":"1970-01-01T00:00:00.000000000","uidfixed":"ffffffff-ffff-ffff-ffff-ffffffffffff","span":{"months":4294967295,"days":4294967295,"milliseconds":4294967295},"unknown":"","baddate":""}"#,
    #"{"n":null,"flag":true,"i":0,"l":0,"f":null,"d":1e+16,"b":"abc","s":"\u0000","color":"BLUE","four":"    ","ints":[0],"tags":{"a":"1"},"maybe":"","inner":{"a":0,"words":[""]},"choice":"BLUE","price":0.005,"cents":0.00,"uid":"a47ac10b-58cc-4372-a567-0e02b2c3d479","day":"1970-01-01","tmillis":1,"tmicros":1,"tsmillis":"1970-01-01T00:00:00.000Z","tsmicros":"1969-12-31T23:59:59.999999Z","tsnanos":"1970-01-01T00:00:00.000000000Z","localmillis":"1970-01-01T00:00:00.000","localmicros":"1970-01-01T00:00:00.000000","localnanos":"1970-01-01T00:00:00.000000001","uidfixed":"00000000-0000-0000-0000-000000000000","span":{"months":0,"days":0,"milliseconds":0},"unknown":"x","baddate":"y"}"#,
  ]

  @Test(arguments: ["null", "snappy"], ["fastavro", "apache"])
  func readsEveryTypeAndLogicalType(codec: String, writer: String) throws {
    let text = try AvroFixtures.transcode(named: "all-types.\(codec).\(writer).avro")
    #expect(text == Self.allTypes.map { $0 + "\n" }.joined())
  }

  @Test func headerKeepsTheSchemaTheCodecAndEveryMetadataEntry() throws {
    let file = try AvroFile(source: ByteSource(bytes: try AvroFixtures.bytes("all-types.snappy.fastavro.avro"), path: "t.avro"))
    #expect(file.codec == .snappy)
    #expect(file.metadata.map(\.key).sorted() == ["avro.codec", "avro.schema"])
    #expect(file.schemaJSON.hasPrefix("{"))
    #expect(file.syncMarker.count == 16)
    guard case .record(let name, let fields) = file.schema.root.kind else {
      Issue.record("the top-level type is not a record")
      return
    }
    #expect(name == "holdout.test.AllTypes")
    #expect(fields.count == 31)
    #expect(fields.map(\.name).prefix(4) == ["n", "flag", "i", "l"])
  }

  @Test func readsARecursiveSchema() throws {
    let text = try AvroFixtures.transcode(named: "recursive.avro")
    #expect(
      text == #"""
        {"value":1,"children":[{"value":2,"children":[],"next":null},{"value":3,"children":[{"value":4,"children":[],"next":null}],"next":{"value":5,"children":[],"next":null}}],"next":null}
        {"value":6,"children":[],"next":null}

        """#)
  }

  @Test func readsManyBlocksAndEmptyBlocks() throws {
    let bytes = try AvroFixtures.bytes("blocks.avro")
    var file = try AvroFile(source: ByteSource(bytes: bytes, path: "blocks.avro"))
    let transcoder = AvroTranscoder(file: file)
    var blocks: [AvroBlock] = []
    while let block = try file.nextBlock() { blocks.append(block) }
    #expect(blocks.count > 20)
    #expect(blocks.first?.recordCount == 0)
    #expect(blocks.last?.recordCount == 0)
    #expect(blocks.filter { $0.recordCount == 0 }.count == 4)
    #expect(blocks.map(\.index) == Array(0..<blocks.count))
    var before = 0
    for block in blocks {
      #expect(block.firstRecord == before)
      #expect(block.dataOffset > block.fileOffset)
      before += block.recordCount
    }
    #expect(before == 300)
    // Blocks transcode independently, in any order: reversed, then put back in file order.
    var pieces: [Int: [UInt8]] = [:]
    for block in blocks.reversed() {
      var out: [UInt8] = []
      try transcoder.appendJSONLines(of: block, to: &out)
      #expect(out.filter { $0 == 0x0A }.count == block.recordCount)
      pieces[block.index] = out
    }
    let text = String(decoding: blocks.flatMap { pieces[$0.index]! }, as: UTF8.self)
    let expected = (0..<300).map { k in k % 3 == 0 ? #"{"seq":\#(k),"name":null}"# : #"{"seq":\#(k),"name":"e\#(k)"}"# }
    #expect(text == expected.map { $0 + "\n" }.joined())
  }

  @Test func aTopLevelTypeThatIsNotARecordIsWrappedInAnObject() throws {
    #expect(try AvroFixtures.transcode(named: "top-level-long.avro") == "{\"value\":1}\n{\"value\":-2}\n{\"value\":3}\n")
  }

  @Test func aHeaderWithoutBlocksIsAnEmptyFile() throws {
    var file = try AvroFile(source: ByteSource(bytes: try AvroFixtures.bytes("header-only.avro"), path: "h.avro"))
    #expect(file.codec == .null)
    #expect(try file.nextBlock() == nil)
    #expect(try file.nextBlock() == nil)
  }

  @Test func otherCodecsAreRefusedByNameWithTheFix() throws {
    let error = AvroFixtures.refusal(try AvroFixtures.bytes("bzip2.avro"), path: "events.avro")
    let message = error?.description ?? ""
    #expect(message.hasPrefix("events.avro: byte "))
    #expect(message.contains("the Avro codec 'bzip2'"))
    #expect(message.contains("re-export with one of those"))
    #expect(message.contains("avro-tools recodec --codec=deflate"))
    for codec in ["xz", "zstandard", "my-codec"] {
      let bytes = AvroFixtures.file(schema: "\"long\"", codec: codec, blocks: [])
      #expect(AvroFixtures.refusal(bytes)?.description.contains("'\(codec)'") == true)
    }
  }

  @Test func aReaderStartsFromBytesHandedBack() throws {
    let bytes = try AvroFixtures.bytes("top-level-long.avro")
    let source = ByteSource(bytes: bytes, path: "t.avro")
    var sniffed = [UInt8](repeating: 0, count: 10)
    _ = try sniffed.withUnsafeMutableBytes { try source.read(into: $0.baseAddress!, count: 10) }
    source.unread(sniffed)
    var file = try AvroFile(source: source)
    var out: [UInt8] = []
    while let block = try file.nextBlock() { try AvroTranscoder(file: file).appendJSONLines(of: block, to: &out) }
    #expect(String(decoding: out, as: UTF8.self) == "{\"value\":1}\n{\"value\":-2}\n{\"value\":3}\n")
  }
}
