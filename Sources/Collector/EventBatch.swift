/// The events of one request body, as byte ranges of objects, by the endpoint's shape:
///
/// | endpoint | body | events |
/// |---|---|---|
/// | customerio | one object | the object |
/// | iterable | one object, or an array of objects | each object |
/// | klaviyo | `{"data": [objects], "meta": {"klaviyo_webhook_id": …}}` | each `data` item |
/// | braze | `{"events": [objects]}`, or nothing (Braze's empty keep-alive payload) | each event |
/// | events/<name> | an array of objects, one object, or JSON lines of objects | each object |
///
/// A body that breaks its shape is refused whole (400, with the byte offset or line), so a
/// batch is stored all or nothing; Braze answers a 400 by re-sending each event alone.
struct EventBatch {
  /// The body's bytes and the checked ranges of its event objects.
  let spans: JSONSpans
  var events: [Range<Int>] = []
  /// Whether each event object has no members.
  var emptyObjects: [Bool] = []
  /// Klaviyo's `meta.klaviyo_webhook_id`.
  var webhookID: String?

  struct Refusal: Error, Equatable {
    var reason: String
  }

  init(body: [UInt8], endpoint: Endpoint) throws(Refusal) {
    spans = JSONSpans(body)
    let whole = 0..<body.count
    if spans.skipSpace(0, body.count) == body.count {
      guard endpoint == .braze else { throw Refusal(reason: "the body is empty; send the event as JSON") }
      return
    }
    switch endpoint {
    case .customerio:
      try addObject(try checked { try spans.single(in: whole) }, what: "the body")
    case .iterable:
      let value = try checked { try spans.single(in: whole) }
      if body[value.lowerBound] == UInt8(ascii: "[") {
        for element in try checked({ try spans.elements(of: value) }) { try addObject(element, what: "an array element") }
      } else {
        try addObject(value, what: "the body")
      }
    case .klaviyo:
      let members = try checked { try spans.members(of: try spans.single(in: whole)) }
      guard let data = members.first(where: { $0.key == "data" })?.value, body[data.lowerBound] == UInt8(ascii: "[") else {
        throw Refusal(reason: "a Klaviyo webhook body has a \"data\" array")
      }
      for element in try checked({ try spans.elements(of: data) }) { try addObject(element, what: "a data item") }
      if let meta = members.first(where: { $0.key == "meta" })?.value, body[meta.lowerBound] == UInt8(ascii: "{") {
        let fields = try checked { try spans.members(of: meta) }
        webhookID = fields.first { $0.key == "klaviyo_webhook_id" }.flatMap { spans.text(of: $0.value) }
      }
    case .braze:
      let members = try checked { try spans.members(of: try spans.single(in: whole)) }
      guard let list = members.first(where: { $0.key == "events" })?.value, body[list.lowerBound] == UInt8(ascii: "[") else {
        throw Refusal(reason: "a Braze Currents body is {\"events\": [ … ]}")
      }
      for element in try checked({ try spans.elements(of: list) }) { try addObject(element, what: "an event") }
    case .generic:
      try addGeneric(body)
    }
  }

  /// An array, one (possibly pretty-printed) object, or JSON lines.
  private mutating func addGeneric(_ body: [UInt8]) throws(Refusal) {
    let whole = 0..<body.count
    if let value = try? spans.single(in: whole) {
      if body[value.lowerBound] == UInt8(ascii: "[") {
        for element in try checked({ try spans.elements(of: value) }) { try addObject(element, what: "an array element") }
      } else {
        try addObject(value, what: "the body")
      }
      return
    }
    var lineStart = 0
    var line = 1
    while lineStart < body.count {
      let end = body[lineStart...].firstIndex(of: 0x0A) ?? body.count
      if spans.skipSpace(lineStart, end) < end {
        let value: Range<Int>
        do { value = try spans.single(in: lineStart..<end) } catch {
          throw Refusal(reason: "line \(line): \(error.reason) (JSON lines need one object per line)")
        }
        try addObject(value, what: "line \(line)")
      }
      lineStart = end + 1
      line += 1
    }
  }

  private mutating func addObject(_ range: Range<Int>, what: String) throws(Refusal) {
    guard spans.bytes[range.lowerBound] == UInt8(ascii: "{") else { throw Refusal(reason: "\(what) is not a JSON object") }
    events.append(range)
    emptyObjects.append(spans.skipSpace(range.lowerBound + 1, range.upperBound) == range.upperBound - 1)
  }

  private func checked<T>(_ body: () throws -> T) throws(Refusal) -> T {
    do { return try body() } catch let error as JSONSpans.Failure {
      throw Refusal(reason: "not valid JSON at byte \(error.offset): \(error.reason)")
    } catch {
      throw Refusal(reason: "not valid JSON: \(error)")
    }
  }

  /// The stored lines, each with the receipt time (`EventLine`).
  func lines(receivedAt: Int64) -> [[UInt8]] {
    zip(events, emptyObjects).map { EventLine.make(spans.bytes, object: $0.0, isEmpty: $0.1, receivedAt: receivedAt) }
  }
}
