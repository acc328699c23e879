import Testing

@testable import TextOutput

@Suite struct JSONLineTests {
  @Test func aLineValueIsWrittenOnOneLineInsideAPrettyDocument() {
    let document = JSONValue.object([
      ("files", .array([.line(.object([("file", .string("a/b.csv")), ("fates", .object([("used", .int(3))])), ("examples", .array([]))]))])),
      ("n", .int(1)),
    ])
    #expect(
      document.serialized() == """
        {
          "files": [
            {"file": "a/b.csv", "fates": {"used": 3}, "examples": []}
          ],
          "n": 1
        }

        """)
  }

  @Test func stringsAreEscapedTheSameOnOneLine() {
    let value = JSONValue.line(.object([("k\"", .string("tab\there \u{202E}"))]))
    #expect(value.serialized() == "{\"k\\\"\": \"tab\\there \\u202e\"}\n")
  }

  /// A line written ahead (on another thread) goes out exactly as the line would have.
  @Test func aValueWrittenAheadIsTheSameAsTheLineItCameFrom() {
    let entry = JSONValue.object([
      ("file", .string("date=2026/part \u{1B}[2J.csv")), ("rows", .int(-9_223_372_036_854_775_807 - 1)), ("n", .int(0)),
      ("share", .number(0.125)), ("none", .null), ("ok", .bool(true)), ("examples", .array([.string("a\"b\\c\n")])),
      ("nested", .array([.object([("é", .string("ünïcode ✓"))])])),
    ])
    let line = JSONValue.object([("files", .array([.line(entry), .line(entry)]))])
    let written = JSONValue.object([("files", .array([.written(entry.writtenOnOneLine()), .line(entry)]))])
    #expect(written.serialized() == line.serialized())
    #expect(line.serialized().contains(#"{"file": "date=2026/part \u001b[2J.csv", "rows": -9223372036854775808, "n": 0"#))
    #expect(String(decoding: line.serializedBytes(), as: UTF8.self) == line.serialized())
  }
}
