import Ingest
import TestSupport
import Testing

/// The streaming JSON scanner: captures only the requested members, validates every byte, and
/// says why a line is not a JSON object.
@Suite struct JSONScannerTests {
  /// Scans `line` for `paths`; returns each path's text (nil when absent or null) or the failure.
  static func scan(_ line: String, _ paths: [String], unions: Bool = false) -> Result<[String?], JSONScanner.Failure> {
    var scanner = JSONScanner(paths: JSONFieldPaths(paths.map(JSONFieldPaths.split)), unwrapsUnions: unions)
    let bytes = Array(line.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
      do throws(JSONScanner.Failure) {
        try scanner.scan(buffer)
      } catch {
        return .failure(error)
      }
      return .success(paths.indices.map { index in
        if scanner.fields[index].isMissing { return nil }
        var out: [UInt8] = []
        scanner.appendText(index, of: buffer, to: &out)
        return scanner.fields[index].kind == .object || scanner.fields[index].kind == .array
          ? "<\(scanner.fields[index].kind)>" : String(decoding: out, as: UTF8.self)
      })
    }
  }

  @Test func capturesNestedMembersAndSkipsTheRest() throws {
    let line = #"{"a":1,"skip":{"x":[1,2,{"y":"z"}],"n":null},"data":{"identifiers":{"id":"user-1","email":null}},"t":true,"f":-0.5e+3}"#
    let result = try Self.scan(line, ["a", "data.identifiers.id", "data.identifiers.email", "t", "f", "missing", "skip"]).get()
    #expect(result == ["1", "user-1", nil, "true", "-0.5e+3", nil, "<object>"])
  }

  @Test func unescapesStringsIncludingSurrogatePairs() throws {
    let line = #"{"s":"a\"b\\c\/d\n\u00e9\ud83d\ude00\u0041","k\"ey":1}"#
    let result = try Self.scan(line, ["s"]).get()
    #expect(result == ["a\"b\\c/d\né😀A"])
  }

  /// The scanner and the tree parser decode escapes the same way (`JSONEscape`): a pair is one
  /// scalar, a surrogate that is not half of a pair is U+FFFD in both (the tree parser used to
  /// refuse it while the scanner replaced it).
  @Test(arguments: [
    (#"\ud83d\ude00"#, "😀"), (#"\ud800"#, "\u{FFFD}"), (#"\udc00x"#, "\u{FFFD}x"),
    (#"\ud800\u0041"#, "\u{FFFD}A"), (#"\ud800\ud800\udc00"#, "\u{FFFD}𐀀"), (#"\u00e9\/\t"#, "é/\t"),
  ])
  func bothJSONReadersDecodeEscapesAlike(escaped: String, expected: String) throws {
    let line = #"{"s":""# + escaped + #""}"#
    #expect(try Self.scan(line, ["s"]).get() == [expected])
    let tree = try JSONNode.parse(Array(line.utf8), path: "t.json")
    guard case .object(let members) = tree.value, case .string(let text) = members.first?.node.value else {
      Issue.record("not an object with a string: \(tree)")
      return
    }
    #expect(text == expected)
  }

  @Test func firstOccurrenceOfADuplicateKeyWins() throws {
    #expect(try Self.scan(#"{"a":"first","a":"second"}"#, ["a"]).get() == ["first"])
  }

  @Test func avroUnionsAreUnwrappedOnlyWhenAsked() throws {
    let line = #"{"user_id":{"string":"u1"},"time":{"int":1741100400},"flag":{"boolean":true},"obj":{"a":1}}"#
    #expect(try Self.scan(line, ["user_id", "time", "flag", "obj"], unions: true).get() == ["u1", "1741100400", "true", "<object>"])
    #expect(try Self.scan(line, ["user_id"], unions: false).get() == ["<object>"])
  }

  @Test(arguments: [
    (#"{"a":1"#, "truncated"), (#"{"a":"unterminated}"#, "not closed"), (#"{"a":01}"#, "expected"),
    (#"{"a":1,}"#, "member name"), (#"[1,2]"#, "expected a JSON object"), (#"{"a":1} x"#, "after the object"),
    (#"{"a":tru}"#, "unexpected"), (#"{"a":"\x"}"#, "unknown escape"), (#"{"a":"\u12"}"#, "four hex"),
    (#"{"a":1.}"#, "fraction"), (#"{"a":1e}"#, "exponent"), ("{\"a\":\"tab\there\"}", "control character"),
    ("", "empty"),
  ])
  func malformedLinesSayWhy(line: String, expected: String) {
    guard case .failure(.malformed(let message, let column)) = Self.scan(line, ["a"]) else {
      Issue.record("'\(line)' was accepted")
      return
    }
    #expect(message.contains(expected), "\(message)")
    #expect(column >= 1 && column <= line.utf8.count + 1)
  }

  @Test(arguments: [[0xC3, 0x28], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xC2]])
  func invalidUTF8InAStringIsReportedWithItsColumn(bytes: [UInt8]) {
    let line = Array(#"{"a":"x"#.utf8) + bytes + Array(#"y"}"#.utf8)
    var scanner = JSONScanner(paths: JSONFieldPaths([["a"]]))
    let failure: JSONScanner.Failure? = line.withUnsafeBufferPointer { buffer in
      do throws(JSONScanner.Failure) {
        try scanner.scan(buffer)
        return nil
      } catch { return error }
    }
    #expect(failure == .invalidUTF8(column: 8))
  }

  @Test func validMultiByteUTF8IsAccepted() throws {
    #expect(try Self.scan(#"{"a":"Ação – 日本 😀"}"#, ["a"]).get() == ["Ação – 日本 😀"])
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
    guard case .failure(.malformed(let message, _)) = Self.scan(deep, ["a"]) else {
      Issue.record("10,000 levels were accepted")
      return
    }
    #expect(message.contains("nesting"))
  }
}
