import Ingest
import TestSupport
import Testing

/// JSON records that are not one per line: framing detection from the first bytes, and the
/// streaming reader of array elements and concatenated documents, including broken framings.
@Suite struct JSONDocumentReaderTests {
  /// One document as read: its line, its text, and its issue.
  struct Read: Equatable, CustomStringConvertible {
    var line: Int
    var text: String
    var issue: String? = nil
    var description: String { "\(line): \(text)" + (issue.map { " [\($0)]" } ?? "") }
  }

  static func documents(_ text: String, blockSize: Int = 1 << 20, limit: Int = 16 << 20) throws -> [Read] {
    var reader = JSONDocumentReader(
      source: ByteSource(bytes: Array(text.utf8), path: "t.json"), blockSize: blockSize, documentLimit: limit)
    var result: [Read] = []
    try reader.forEachDocument { document in
      result.append(Read(line: document.line, text: String(decoding: document.bytes, as: UTF8.self), issue: document.issue))
      return true
    }
    return result
  }

  static func framing(_ text: String) throws -> JSONFraming {
    try JSONFraming.detect(ByteSource(bytes: Array(text.utf8), path: "t.json"))
  }

  @Test(arguments: [
    ("[{\"a\":1}]", JSONFraming.array),
    ("\u{FEFF}\n  \r\n [\n]", .array),
    ("{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}\n", .concatenated),
    ("{\"a\": {\n \"b\": \"}\"}}\n", .concatenated),
    ("{\"a\":1}\n{\"a\":2}\n", .lines),
    ("{\"a\":\"x}\n{\"a\":2}\n", .lines),  // the first line cut off inside a string
    ("{\"a\":1,\n{\"a\":2}\n", .lines),  // the first line cut off, never balanced
    ("", .lines),
    ("user_id,event\n", .lines),
  ])
  func theFramingIsDetectedFromTheFirstBytes(text: String, expected: JSONFraming) throws {
    #expect(try Self.framing(text) == expected)
  }

  @Test func detectionHandsItsBytesBackEvenThroughGzip() throws {
    let scratch = Scratch()
    let records = (1...3000).map { "  {\n    \"n\": \($0),\n    \"s\": \"\(String(repeating: "x", count: $0 % 50))\"\n  }" }
    let text = "[\n" + records.joined(separator: ",\n") + "\n]\n"
    let path = try StreamTests.gzip(text, in: scratch, name: "a.json.gz")
    let source = try ByteSource(path: path)
    #expect(try JSONFraming.detect(source) == .array)
    var reader = JSONDocumentReader(source: source, blockSize: 4096)
    var lines: [Int] = []
    try reader.forEachDocument { document in
      #expect(document.issue == nil)
      lines.append(document.line)
      return true
    }
    #expect(lines == (0..<3000).map { 2 + 4 * $0 })
    let again = try ByteSource(path: path)
    _ = try JSONFraming.detect(again)
    #expect(try again.readAll() == Array(text.utf8))
  }

  @Test(arguments: [1, 7, 64, 1 << 20])
  func arrayElementsAreStreamedWithTheLinesTheyStartOn(blockSize: Int) throws {
    let text = """
      [ {"a": "},]\\"[{"}, {"b": [1, [2, {"c": "]"}]], "e": "\\\\"},
        {"d":
           {"x": ",\\u005d"}} ,

      {} ]
      """
    let result = try Self.documents(text, blockSize: blockSize)
    #expect(result == [
      Read(line: 1, text: #"{"a": "},]\"[{"}"#),
      Read(line: 1, text: #"{"b": [1, [2, {"c": "]"}]], "e": "\\"}"#),
      Read(line: 2, text: "{\"d\":\n     {\"x\": \",\\u005d\"}}"),
      Read(line: 5, text: "{}"),
    ])
  }

  @Test func emptyArraysAndWhitespaceGiveNoRecords() throws {
    #expect(try Self.documents("[]").isEmpty)
    #expect(try Self.documents("\n [ \n\t ]\n\n").isEmpty)
    #expect(try Self.documents("[][]").isEmpty)
  }

  @Test func concatenatedDocumentsAndArraysMayFollowEachOther() throws {
    let text = "{\n \"a\": 1\n}\n\n{\"b\": 2}{\"c\": 3},\n\u{1E}[{\"d\": 4}]\n[\n{\"e\": 5}\n]"
    #expect(try Self.documents(text).map(\.description) == [
      "1: {\n \"a\": 1\n}", "5: {\"b\": 2}", "5: {\"c\": 3}", "6: {\"d\": 4}", "8: {\"e\": 5}",
    ])
  }

  @Test func aTruncatedArrayRejectsOnlyItsLastElement() throws {
    let cut = try Self.documents("[\n{\"a\": 1},\n{\"b\": [2, ")
    #expect(cut.map(\.line) == [2, 3])
    #expect(cut[0].issue == nil)
    #expect(cut[1].issue == "the file ends inside this record (truncated export?)")
    // Cut right after a complete element: one extra rejection says the array is not closed.
    let open = try Self.documents("[\n{\"a\": 1},\n{\"b\": 2}\n")
    #expect(open.count == 3)
    #expect(open[2].line == 4)
    #expect(open[2].issue == "the JSON array opened on line 1 is not closed at the end of the file (truncated?)")
  }

  @Test func brokenFramingIsOneRejectionPerRecordAndReadingGoesOn() throws {
    let text = """
      [
        {"id": "a"}
        {"id": "b"}, 5, "s",
        {"id": "c", "t": "cut off
        , "more": 1},
        {"id": "d", "n": 1
        ,
        {"id": "e"}
      ]
      junk
        more junk
      {"id": "f"}
      """
    let result = try Self.documents(text)
    #expect(result.map(\.line) == [2, 3, 3, 3, 4, 6, 8, 10, 12])
    #expect(result[0].issue == nil)
    #expect(result[1].issue == "expected ',' before this array element")
    #expect(result[2].text == "5")
    #expect(result[3].text == "\"s\"")
    #expect(result[4].issue?.hasPrefix("a string is not closed at the end of line 4") == true)
    #expect(result[5].issue?.hasPrefix("this record is not closed before line 8") == true)
    #expect(result[6] == Read(line: 8, text: #"{"id": "e"}"#))
    #expect(result[7].issue == "unexpected text between JSON documents (expected '{' or '[')")
    #expect(result[8] == Read(line: 12, text: #"{"id": "f"}"#))
  }

  @Test func aRecordLargerThanTheLimitStopsTheFileNamingItsLine() throws {
    let big = "{\"s\": \"" + String(repeating: "x", count: 200) + "\"}"
    #expect(throws: IngestError.recordTooLong(path: "t.json", line: 3, limit: 64)) {
      try Self.documents("[\n{\"a\": 1},\n" + big + "]", blockSize: 16, limit: 64)
    }
    // Unclosed up to the limit, with a place to resume: a rejection, not a stop.
    let unclosed = "[\n{\"a\": [1,\n  2,\n{\"b\": 2},\n" + String(repeating: "  3,\n", count: 30) + "]"
    let result = try Self.documents(unclosed, blockSize: 16, limit: 64)
    #expect(result.first?.issue == "this record is not closed before line 4, where the next one seems to start (cut off in the middle of the file?)")
    #expect(result.dropFirst().first == Read(line: 4, text: #"{"b": 2}"#))
  }

  @Test func aPositionInADocumentIsAFileLineAndColumn() throws {
    var reader = JSONDocumentReader(source: ByteSource(bytes: Array("\n\n{\n  \"a\": x\n}".utf8), path: "t.json"))
    try reader.forEachDocument { document in
      let (line, column) = JSONDocumentReader.position(of: 9, in: document)
      #expect(document.line == 3)
      #expect(line == 4 && column == 8)
      return false
    }
  }
}
