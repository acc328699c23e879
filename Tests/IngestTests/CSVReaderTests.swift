import Ingest
import TestSupport
import Testing

/// CSV edge cases: quotes, doubled quotes, embedded line breaks, CRLF, BOM, empty fields, no
/// final newline, ragged rows, records straddling read blocks.
@Suite struct CSVReaderTests {
  /// Reads every record of `text` as (line, fields, malformed), with a tiny block size so that
  /// records straddle buffer refills.
  static func records(_ text: String, blockSize: Int = 7) throws -> (header: [String], rows: [(Int, [String], Bool)]) {
    let scratch = Scratch()
    let path = scratch.write("input.csv", text)
    var reader = try CSVReader(path: path, blockSize: blockSize)
    let header = try reader.readHeader()
    var rows: [(Int, [String], Bool)] = []
    try reader.forEachRecord { row in
      rows.append((row.line, (0..<row.count).map { row.string($0) ?? "<invalid>" }, row.isMalformed))
    }
    return (header, rows)
  }

  @Test(arguments: [1, 3, 7, 1 << 16])
  func quotedFieldsWithCommasQuotesAndNewlines(blockSize: Int) throws {
    let text = "id,name,note\n1,\"Smith, Ana\",\"said \"\"hi\"\"\"\n2,\"two\nlines\",x\n3,,\n"
    let (header, rows) = try Self.records(text, blockSize: blockSize)
    #expect(header == ["id", "name", "note"])
    #expect(rows.count == 3)
    #expect(rows[0].1 == ["1", "Smith, Ana", "said \"hi\""])
    #expect(rows[1].1 == ["2", "two\nlines", "x"])
    #expect(rows[1].0 == 3)
    #expect(rows[2].1 == ["3", "", ""])
    #expect(rows[2].0 == 5, "line numbers count the embedded line break")
  }

  @Test func crlfBomAndMissingFinalNewline() throws {
    let text = "\u{FEFF}user_id,event\r\na,order\r\n\r\nb,\"session\"\r\nc,x"
    let (header, rows) = try Self.records(text)
    #expect(header == ["user_id", "event"])
    #expect(rows.map(\.1) == [["a", "order"], ["b", "session"], ["c", "x"]])
    #expect(rows.map(\.0) == [2, 4, 5], "the blank line is skipped but counted")
  }

  @Test func raggedRowsKeepTheirFieldCount() throws {
    let (_, rows) = try Self.records("a,b,c\n1,2\n1,2,3,4\n")
    #expect(rows.map { $0.1.count } == [2, 4])
  }

  @Test func malformedQuotesAreFlaggedNotFatal() throws {
    let (_, rows) = try Self.records("a,b\n\"x\"y,1\n2,3\n\"never closed,4\n")
    #expect(rows.count == 3)
    #expect(rows[0].2 == true)
    #expect(rows[1].2 == false && rows[1].1 == ["2", "3"])
    #expect(rows[2].2 == true)
  }

  @Test func columnsAreFoundCaseInsensitivelyAndTrimmed() throws {
    let scratch = Scratch()
    var reader = try CSVReader(path: scratch.write("h.csv", " User_ID ,Event\n"))
    _ = try reader.readHeader()
    #expect(reader.column("user_id") == 0)
    #expect(reader.column("event") == 1)
    #expect(throws: IngestError.self) { try reader.requireColumn("timestamp") }
  }

  @Test func errorsForMissingEmptyAndHostileFiles() throws {
    let scratch = Scratch()
    #expect(throws: IngestError.fileNotFound(path: scratch.path + "/nope.csv")) {
      _ = try CSVReader(path: scratch.path + "/nope.csv")
    }
    var empty = try CSVReader(path: scratch.write("empty.csv", ""))
    #expect(throws: IngestError.emptyFile(path: scratch.path + "/empty.csv")) { _ = try empty.readHeader() }
    let hostile = "a,b\n\"" + String(repeating: "x", count: 5_000)
    var reader = try CSVReader(path: scratch.write("hostile.csv", hostile), blockSize: 64, recordLimit: 1_024)
    _ = try reader.readHeader()
    #expect(throws: IngestError.recordTooLong(path: scratch.path + "/hostile.csv", line: 2, limit: 1_024)) {
      try reader.forEachRecord { _ in }
    }
    var duplicate = try CSVReader(path: scratch.write("dup.csv", "a,A\n"))
    #expect(throws: IngestError.self) { _ = try duplicate.readHeader() }
  }
}
