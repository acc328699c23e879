@testable import Collector
import Ingest

/// The collector's body splitting on any bytes (`webhook-body`): the first byte picks the
/// endpoint's shape (Customer.io, Klaviyo, Iterable, Braze, generic), the rest is the body.
/// `EventBatch` must never crash; every event it accepts must be a JSON object, and the stored
/// line (the event with `holdout_received_at` in front, line breaks as spaces) must parse exactly
/// when the event's own bytes parse (Ingest's tree parser), to the same members after the added one.
enum CollectorTargets {
  static let all: [(name: String, run: ([UInt8]) -> Void)] = [("webhook-body", body)]

  static let endpoints: [Endpoint] = [.customerio, .klaviyo, .iterable, .braze, .generic("fuzz")]

  static func body(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let endpoint = endpoints[Int(first) % endpoints.count]
    let body = Array(bytes.dropFirst())
    guard let batch = try? EventBatch(body: body, endpoint: endpoint) else { return }
    let lines = batch.lines(receivedAt: 1_796_662_800_000_000)
    FuzzTargets.check(lines.count == batch.events.count, "\(lines.count) lines for \(batch.events.count) events")
    for (range, line) in zip(batch.events, lines) {
      FuzzTargets.check(body[range.lowerBound] == UInt8(ascii: "{") && body[range.upperBound - 1] == UInt8(ascii: "}"), "an event that is not an object: \(range)")
      FuzzTargets.check(!line.contains(0x0A) && !line.contains(0x0D), "a stored line holds a line break")
      let original = try? JSONNode.parse(Array(body[range]), path: "event")
      let stored = try? JSONNode.parse(line, path: "line")
      FuzzTargets.check((original == nil) == (stored == nil), "the event parses: \(original != nil), its stored line parses: \(stored != nil)")
      guard let original, let stored, case .object(let members) = original.value, case .object(let kept) = stored.value else { continue }
      FuzzTargets.check(kept.first?.key == EventLine.receivedKey, "the receipt time is not the first member")
      FuzzTargets.check(kept.count == members.count + 1 && zip(kept.dropFirst(), members).allSatisfy { $0.key == $1.key && same($0.node, $1.node) },
        "the stored line's members differ from the event's")
    }
  }

  /// Equal values, whatever lines they were on.
  static func same(_ a: JSONNode, _ b: JSONNode) -> Bool {
    switch (a.value, b.value) {
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && same($0.node, $1.node) }
    default: return a.value == b.value
    }
  }
}
