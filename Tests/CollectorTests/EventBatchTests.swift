import Testing

@testable import Collector

@Suite struct EventBatchTests {
  func lines(_ body: String, _ endpoint: Endpoint) throws -> [String] {
    try EventBatch(body: Array(body.utf8), endpoint: endpoint).lines(receivedAt: 1_796_662_800_123_456).map { String(decoding: $0, as: UTF8.self) }
  }

  func refusal(_ body: String, _ endpoint: Endpoint) -> String? {
    do {
      _ = try EventBatch(body: Array(body.utf8), endpoint: endpoint)
      return nil
    } catch {
      return error.reason
    }
  }

  @Test func anEventIsStoredVerbatimBehindItsReceiptTime() throws {
    #expect(try lines(#"{"event_id":"a","metric":"sent"}"#, .customerio) == [#"{"holdout_received_at":"2026-12-07T17:00:00.123456Z","event_id":"a","metric":"sent"}"#])
    // Pretty-printed: the line breaks between tokens become spaces; the values are untouched.
    #expect(try lines("{\n  \"a\": \"x y\",\r\n  \"b\": [1,\n2]\n}", .customerio) == [#"{"holdout_received_at":"2026-12-07T17:00:00.123456Z",   "a": "x y",    "b": [1, 2] }"#])
    #expect(try lines("{ }", .customerio) == [#"{"holdout_received_at":"2026-12-07T17:00:00.123456Z" }"#])
  }

  @Test func brazeBatchesSplitIntoTheirEvents() throws {
    let stored = try lines(#"{"events":[{"id":"1","event_type":"users.messages.sms.Delivery"} , {"id":"2","user":{"external_user_id":"u"}}]}"#, .braze)
    #expect(stored == [
      #"{"holdout_received_at":"2026-12-07T17:00:00.123456Z","id":"1","event_type":"users.messages.sms.Delivery"}"#,
      #"{"holdout_received_at":"2026-12-07T17:00:00.123456Z","id":"2","user":{"external_user_id":"u"}}"#,
    ])
    #expect(try lines("", .braze).isEmpty)
    #expect(try lines(" \n", .braze).isEmpty)
    #expect(try lines(#"{"events":[]}"#, .braze).isEmpty)
    #expect(refusal(#"{"events":[{"id":"1"},2]}"#, .braze) == "an event is not a JSON object")
    #expect(refusal(#"{"evts":[]}"#, .braze) != nil)
    #expect(refusal("", .customerio) == "the body is empty; send the event as JSON")
  }

  /// A body cut off right after a backslash inside a string is refused, not looped on.
  @Test func aStringEndingInABackslashIsRefused() {
    for body in [#"{"a":"x\"#, #"{"events":[{"id":"1\"#, #""\"#] {
      #expect(refusal(body, .braze) != nil, "\(body)")
      #expect(refusal(body, .customerio) != nil, "\(body)")
    }
    #expect(refusal(#"{"a":"x\"#, .customerio) == "not valid JSON at byte 5: a string is not closed")
  }

  @Test func klaviyoItemsAndTheWebhookID() throws {
    let body = #"{"data":[{"external_id":"e1"},{"external_id":"e2"}],"meta":{"klaviyo_webhook_id":"wh_\u0031"}}"#
    let batch = try EventBatch(body: Array(body.utf8), endpoint: .klaviyo)
    #expect(batch.events.count == 2)
    #expect(batch.webhookID == "wh_1")
    // Escapes decode as Ingest's scanner decodes them, surrogate pairs included.
    let pair = #"{"data":[],"meta":{"klaviyo_webhook_id":"wh_\uD83D\uDE00"}}"#
    #expect(try EventBatch(body: Array(pair.utf8), endpoint: .klaviyo).webhookID == "wh_\u{1F600}")
  }

  @Test func genericTakesLinesArraysAndOneObject() throws {
    #expect(try lines("{\"a\":1}\n\n{\"a\":2}\n", .generic("x")).count == 2)
    #expect(try lines("[{\"a\":1},{\"a\":2},{\"a\":3}]", .generic("x")).count == 3)
    #expect(try lines("{\n\"a\": 1\n}", .generic("x")).count == 1)
    #expect(refusal("{\"a\":1}\n{\"a\":\n", .generic("x"))?.hasPrefix("line 2:") == true)
  }

  @Test func invalidJSONIsRefusedWithItsByte() {
    #expect(refusal(#"{"a":01}"#, .customerio)?.contains("byte") == true)
    #expect(refusal(#"{"a":"x"} x"#, .customerio) == "not valid JSON at byte 10: unexpected bytes after the JSON value")
    #expect(refusal("{\"a\":\"\u{1}\"}", .customerio) != nil)
    #expect(refusal(#"{"a":"\x"}"#, .customerio) != nil)
    #expect(refusal(#"{"a":tru}"#, .customerio) != nil)
    #expect(refusal(String(repeating: "[", count: 100) + String(repeating: "]", count: 100), .iterable)?.contains("nested") == true)
    var invalidUTF8 = Array(#"{"a":""#.utf8)
    invalidUTF8 += [0xC3, 0x28] + Array("\"}".utf8)
    #expect(throws: EventBatch.Refusal.self) { try EventBatch(body: invalidUTF8, endpoint: .customerio) }
    #expect(refusal(#"[1,2]"#, .customerio) == "the body is not a JSON object")
  }
}
