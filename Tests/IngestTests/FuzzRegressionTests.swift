@testable import Ingest
import Testing

/// Inputs the fuzzers (bash .ci/fuzz) found, each kept as a test after its fix
/// (docs/reliability.md lists them).
@Suite struct FuzzRegressionTests {
  /// timestamp target: `0000-01-01T00:00:00+14:00` is 1 BC in UTC, which `format` printed as
  /// `00-1-12-31T10:00:00Z`; 18-digit epoch microseconds reached year 33658. Such instants are
  /// not timestamps now, and every instant that parses prints with a four-digit year and reads
  /// back exactly.
  @Test(arguments: [
    "0000-01-01T00:00:00+14:00", "9999-12-31T23:59:59-00:01", "999999999999999999", "0000-01-01T00:00:00.000001+00:01",
  ])
  func instantsOutsideFourDigitYearsAreNotTimestamps(text: String) {
    #expect(Timestamp.parse(text) == nil)
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      for format in TimeFormat.allCases { #expect(format.read(UnsafeBufferPointer(buffer)) == nil, "\(format)") }
    }
  }

  @Test(arguments: ["0000-01-01T00:00:00Z", "0000-01-01T00:00:00-14:00", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59+14:00"])
  func theExtremesPrintAndReadBack(text: String) throws {
    let instant = try #require(Timestamp.parse(text))
    let printed = Timestamp.format(instant)
    #expect(printed.utf8.count >= 20 && Array(printed.utf8)[4] == UInt8(ascii: "-"), "\(printed)")
    #expect(Timestamp.parse(printed) == instant)
  }

  /// posix-rule target: a zone file's footer with an 18-digit hour (`XXX88888888888888883`)
  /// overflowed `hours * 3600` and trapped. Fields are limited to 6 digits and hours to 167.
  @Test(arguments: ["XXX88888888888888883", "<<\u{1}>-3>888888888888888883+", "CET-1CEST,M3.5.0,M10.5.0/9999999999", "XXX168"])
  func absurdRuleNumbersAreRejectedNotTrapped(rule: String) {
    #expect(PosixRule(Array(rule.utf8)) == nil)
  }

  @Test func rulesWithinTheLimitsStillRead() throws {
    let rule = try #require(PosixRule(Array("CET-1CEST,M3.5.0,M10.5.0/3".utf8)))
    #expect(rule.offset(atUTC: 1_720_000_000) == 7_200)  // July: CEST
    #expect(try #require(PosixRule(Array("XXX167".utf8))).offset(atUTC: 0) == -167 * 3_600)
  }

  /// tzif target: a zone file whose type offset is −2^31 seconds (RFC 8536 forbids it) was
  /// accepted. Offsets outside −25 h…+26 h now make the file unreadable as a zone.
  @Test func zoneFilesWithImpossibleOffsetsAreRefused() throws {
    func tzif(offset: Int32) -> [UInt8] {
      var bytes = Array("TZif".utf8) + [0] + [UInt8](repeating: 0, count: 15)
      // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
      for count: UInt32 in [0, 0, 0, 0, 1, 4] { bytes += withUnsafeBytes(of: count.bigEndian, Array.init) }
      bytes += withUnsafeBytes(of: offset.bigEndian, Array.init) + [0, 0] + Array("UTC\0".utf8)
      return bytes
    }
    #expect(TimeZoneRule(name: "ok", tzif: tzif(offset: 3_600))?.offset(atUTC: 0) == 3_600)
    #expect(TimeZoneRule(name: "bad", tzif: tzif(offset: Int32.min)) == nil)
    #expect(TimeZoneRule(name: "bad", tzif: tzif(offset: 100_000)) == nil)
  }

  /// json-differential target: the tree parser (experiment files, Klaviyo pages) accepted the
  /// number `0870535800`, which RFC 8259 and the event scanner reject.
  @Test func leadingZerosAreNotJSONNumbersInEitherParser() {
    let document = Array(#"{"time": 0870535800}"#.utf8)
    var tree = JSONTreeParser(bytes: document, path: "x.json")
    #expect(throws: IngestError.self) { _ = try tree.parseDocument() }
    var scanner = JSONScanner(paths: JSONFieldPaths([["time"]]))
    let rejected = document.withUnsafeBufferPointer { buffer in
      (try? scanner.scan(buffer)) == nil
    }
    #expect(rejected)
    var zero = JSONTreeParser(bytes: Array(#"{"a": 0, "b": -0.5, "c": 0e1}"#.utf8), path: "x.json")
    #expect((try? zero.parseDocument()) != nil)
  }

  /// csv-chunks-differential target: a bare carriage return (an old-Mac line end) ends a record
  /// and counts a line in CSVReader, but the parallel path's chunks counted only line feeds, so
  /// every later row's file line differed between one thread and several.
  @Test func chunkLineCountsFollowCSVReaderForBareCarriageReturns() throws {
    let text = "a,b\nx,1\r\r\ry,2\n\"q\r\",3\nz,4\r\nw,5\n"
    let bytes = Array(text.utf8)
    var sequential: [Int] = []
    var reader = CSVReader(source: ByteSource(bytes: bytes, path: "t.csv"))
    _ = try reader.readHeader()
    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in sequential.append(row.line) }
    #expect(sequential == [2, 5, 6, 7, 8])
    for chunkSize in [4, 8, 13, 64] {
      var chunked: [Int] = []
      var chunks = ChunkReader(source: ByteSource(bytes: bytes, path: "t.csv"), csvQuotes: true, chunkSize: chunkSize)
      var header: [String] = []
      while let chunk = try chunks.next() {
        var part = CSVReader(source: ByteSource(bytes: chunk.bytes, path: "t.csv"))
        if chunk.index == 0 { header = try part.readHeader() } else { part.assumeHeader(header) }
        try part.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in chunked.append(row.line + chunk.linesBefore) }
      }
      #expect(chunked == sequential, "chunk size \(chunkSize)")
    }
  }

  /// csv-chunks-differential target: a file starting with more blank lines than a chunk holds
  /// gave a first chunk without its header, so the parallel path said "the file is empty"
  /// where the sequential one read the header on a later line. A line holding only `""` is
  /// blank to CSVReader too (found by the long run).
  @Test func theFirstChunkAlwaysHoldsTheHeader() throws {
    for start in ["\n\r\n\n", "\"\"\n", "\"\"\r\n\n\"\"\n"] {
    let bytes = Array((start + "a,b\n1,2\n").utf8)
    for chunkSize in [1, 2, 4, 8] {
      var chunks = ChunkReader(source: ByteSource(bytes: bytes, path: "t.csv"), csvQuotes: true, chunkSize: chunkSize)
      let first = try #require(try chunks.next())
      var reader = CSVReader(source: ByteSource(bytes: first.bytes, path: "t.csv"))
      #expect(try reader.readHeader() == ["a", "b"], "chunk size \(chunkSize)")
    }
    }
  }

  /// csv-chunks-differential long run: chunks were cut only at LF, so a file with old-Mac (CR)
  /// line ends was one "line" to the chunker and failed at the record limit in the parallel
  /// path although each record was short. Chunks now also end at a bare CR outside quotes.
  @Test func bareCarriageReturnFilesAreCutIntoChunksWithinTheRecordLimit() throws {
    let rows = (0..<200).map { "u\($0),order,2026-01-01T00:00:00Z" }
    let bytes = Array(("user_id,event,timestamp\r" + rows.joined(separator: "\r") + "\r").utf8)
    var sequential: [Int] = []
    var reader = CSVReader(source: ByteSource(bytes: bytes, path: "t.csv"), recordLimit: 64)
    let header = try reader.readHeader()
    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in sequential.append(row.line) }
    #expect(sequential == Array(2...201))
    var chunks = ChunkReader(source: ByteSource(bytes: bytes, path: "t.csv"), csvQuotes: true, chunkSize: 100, recordLimit: 64)
    var chunked: [Int] = []
    while let chunk = try chunks.next() {
      var part = CSVReader(source: ByteSource(bytes: chunk.bytes, path: "t.csv"), recordLimit: 64)
      if chunk.index == 0 { #expect(try part.readHeader() == header) } else { part.assumeHeader(header) }
      try part.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in chunked.append(row.line + chunk.linesBefore) }
    }
    #expect(chunked == sequential)
  }
}
