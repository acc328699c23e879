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
}
