import Testing

@testable import Ingest

/// DEFLATE-compressed Avro files (the `deflate` codec). They need the real `Inflate.raw` from the
/// DEFLATE branch: with the temporary stub (`Sources/Compression/InflateStub.swift`, commit
/// "STUB …") every test here fails with "uses pending". Run them after merging that branch:
/// `swift test --filter AvroDeflateTests`.
@Suite struct AvroDeflateTests {
  @Test(arguments: ["fastavro", "apache"])
  func readsDeflateFiles(writer: String) throws {
    let text = try AvroFixtures.transcode(named: "all-types.deflate.\(writer).avro")
    #expect(text == AvroReaderTests.allTypes.map { $0 + "\n" }.joined())
  }

  @Test func aCorruptDeflateBlockNamesTheBlockAndOffset() throws {
    var bytes = try AvroFixtures.bytes("all-types.deflate.fastavro.avro")
    var file = try AvroFile(source: ByteSource(bytes: bytes, path: "d.avro"))
    let block = try #require(try file.nextBlock())
    // An invalid block type (11) in the first DEFLATE header.
    bytes[block.dataOffset] = 0x07
    let message = AvroFixtures.refusal(bytes, path: "d.avro")?.description ?? ""
    #expect(message.contains("block 1 (at byte \(block.fileOffset)) does not decompress"))
  }
}
