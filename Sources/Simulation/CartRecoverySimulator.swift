#if canImport(Glibc)
  import Glibc
#endif
import Assignment
import Ingest

/// Writes a synthetic cart-recovery experiment in the platforms' own export formats:
/// `cohort.csv`, `identities.csv`, Customer.io reporting webhooks (`messages.jsonl.gz`), an
/// Amplitude export (`events.json.gz`), `experiment.json` and `truth.json`, reproducible from the
/// seed (see `CartRecoveryModel`).
///
/// The traps real exports have are planted: webhook retries (repeated `event_id`), email-only
/// Customer.io records without `identifiers.id` (resolved through the identities file),
/// anonymous pre-login Amplitude events (`user_id` null; resolved through `amplitude_id`), a
/// shared family device listed for two customers (a collision), Amplitude backfill duplicates
/// (repeated `uuid`), other journeys' users, truncated lines, events after the cutoff and
/// late-arriving rows out of time order.
public struct CartRecoverySimulator: Sendable {
  /// Number of users who abandon a cart.
  public let users: Int
  /// The random seed.
  public let seed: UInt64
  /// The analysis cutoff.
  public let asOf: Int64
  /// Entries are spread over this many days before `asOf`.
  public let entryDays = 56.0

  /// A simulator; `asOf` defaults to 2026-11-16T00:00:00Z.
  public init(users: Int, seed: UInt64, asOf: Int64? = nil) {
    self.users = users
    self.seed = seed
    self.asOf = asOf ?? Timestamp.parse("2026-11-16T00:00:00Z")!
  }

  private struct Line {
    var time: Int64
    var text: String
  }

  /// Writes the experiment into directory `out`.
  public func write(to out: String) throws(IngestError) {
    try ByteSink.makeDirectory(out)
    var rng = SplitMix64(seed: seed)
    let splitter = Splitter(seed: CartRecoveryModel.key, weights: CartRecoveryModel.arms.map(\.weight))
    let hour = Double(Timestamp.microsecondsPerDay) / 24
    let day = Double(Timestamp.microsecondsPerDay)
    let horizon = asOf + 2 * Timestamp.microsecondsPerDay  // exports run a little past the cutoff
    var cohort: [String] = []
    var identities: [String] = []
    var messages: [Line] = []
    var events: [Line] = []
    var counter: UInt64 = 0
    var ids = ByteKeyTable(capacity: users * 2)

    func token(_ length: Int) -> String {
      let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
      var text = ""
      for _ in 0..<length { text.append(alphabet[Int(rng.next() % 32)]) }
      return text
    }
    func uuid() -> String {
      let hex = String(rng.next(), radix: 16) + String(rng.next(), radix: 16) + "00000000000000000000000000000000"
      let h = Array(hex.prefix(32))
      return String(h[0..<8]) + "-" + String(h[8..<12]) + "-4" + String(h[13..<16]) + "-a" + String(h[17..<20]) + "-" + String(h[20..<32])
    }
    func webhook(
      _ user: String, email: String, cio: String, step: CartRecoveryModel.Step, metric: String, time: Int64,
      delivery: String, emailOnly: Bool
    ) -> Line {
      let seconds = time / Timestamp.microsecondsPerSecond
      let identifiers = emailOnly
        ? "{\"id\":null,\"email\":\"\(email)\",\"cio_id\":\"\(cio)\"}"
        : "{\"id\":\"\(user)\",\"email\":\"\(email)\",\"cio_id\":\"\(cio)\"}"
      let customer = emailOnly ? "null" : "\"\(user)\""
      var data =
        "{\"campaign_id\":31,\"action_id\":\(step.action),\"journey_id\":\"01JNGX\(token(20))\",\"parent_action_id\":10,\"trigger_event_id\":null,\"customer_id\":\(customer),\"delivery_id\":\"\(delivery)\",\"identifiers\":\(identifiers),\"recipient\":\"\(step.channel == "sms" ? "+1555" + String(rng.next() % 10_000_000) : email)\""
      if let subject = step.subject { data += ",\"subject\":\"\(subject)\"" }
      if metric == "opened" { data += ",\"prefetched\":\(rng.bernoulli(0.3))" }
      data += "}"
      return Line(
        time: time,
        text: "{\"event_id\":\"01J\(token(23))\",\"object_type\":\"\(step.channel)\",\"metric\":\"\(metric)\",\"timestamp\":\(seconds),\"data\":\(data)}")
    }
    func amplitude(
      _ user: String?, device: String, amplitudeID: UInt64, type: String, time: Int64, properties: String
    ) -> Line {
      counter += 1
      let upload = time + Int64(2 + rng.uniform() * 30) * Timestamp.microsecondsPerSecond
      let userField = user.map { "\"\($0)\"" } ?? "null"
      return Line(
        time: time,
        text: "{\"uuid\":\"\(uuid())\",\"$insert_id\":\"\(uuid())\",\"app\":187520,\"event_type\":\"\(type)\",\"event_time\":\"\(Self.amplitudeTime(time))\",\"server_upload_time\":\"\(Self.amplitudeTime(upload))\",\"user_id\":\(userField),\"device_id\":\"\(device)\",\"amplitude_id\":\(amplitudeID),\"session_id\":\(time / 1000),\"event_id\":\(counter),\"event_properties\":\(properties),\"user_properties\":{},\"platform\":\"Web\"}")
    }

    var sharedDevice: (String, UInt64)? = nil
    for index in 0..<users {
      var user = ""
      repeat { user = "cus_" + String(rng.next() & 0xFF_FFFF_FFFF, radix: 36) } while ids.find(user) != nil
      ids.intern(user)
      let email = user.replacingOccurrences("cus_", "") + "@example.com"
      let cio = String(rng.next() & 0xFFFF_FFFF_FFFF, radix: 16)
      let amplitudeID = 2_000_000_000 + (rng.next() % 1_000_000_000)
      var device = uuid().uppercased()
      if index % 2500 == 17, let shared = sharedDevice {
        device = shared.0  // a family tablet shared by two customers: a collision
      }
      if index % 2500 == 5 { sharedDevice = (device, amplitudeID) }
      identities.append("\(user),\(email),\(amplitudeID),\(device)")
      let t0 = asOf - Int64(rng.uniform() * entryDays * day) - Int64(hour)
      let value = exp(CartRecoveryModel.valueMu + CartRecoveryModel.valueSigma * rng.normal())
      let band = CartRecoveryModel.bands.first { value < $0.below }!
      let arm = splitter.assign(user).arm ?? 0
      cohort.append("\(user),\(Timestamp.format(t0 / Timestamp.microsecondsPerSecond * Timestamp.microsecondsPerSecond)),\(band.name)")

      // Natural purchase, then the journey's nudges (journey arm only).
      var purchase: Int64? = nil
      if rng.bernoulli(band.naturalRecovery) {
        purchase = t0 + Int64(rng.exponential(rate: 1 / CartRecoveryModel.naturalDelayHours) * hour)
      }
      let emailOnly = rng.bernoulli(0.03)
      if arm == 1 {
        for step in CartRecoveryModel.steps {
          let send = t0 + Int64(step.hours * hour)
          if let p = purchase, p <= send { break }  // the journey exits on purchase
          guard send < horizon, rng.bernoulli(step.reachable) else { continue }
          let delivery = "RPI" + token(13)
          messages.append(webhook(user, email: email, cio: cio, step: step, metric: "sent", time: send, delivery: delivery, emailOnly: emailOnly))
          guard rng.bernoulli(0.97) else { continue }
          let delivered = send + Int64((2 + rng.uniform() * 40) * 1_000_000)
          messages.append(webhook(user, email: email, cio: cio, step: step, metric: "delivered", time: delivered, delivery: delivery, emailOnly: emailOnly))
          if step.channel == "email" && rng.bernoulli(0.45) {
            messages.append(webhook(user, email: email, cio: cio, step: step, metric: "opened", time: delivered + Int64(rng.exponential(rate: 0.5) * hour), delivery: delivery, emailOnly: emailOnly))
          }
          if rng.bernoulli(0.09) {
            messages.append(webhook(user, email: email, cio: cio, step: step, metric: "clicked", time: delivered + Int64(rng.exponential(rate: 0.4) * hour), delivery: delivery, emailOnly: emailOnly))
          }
          if rng.bernoulli(CartRecoveryModel.unsubscribe[step.channel] ?? 0) {
            messages.append(webhook(user, email: email, cio: cio, step: step, metric: "unsubscribed", time: delivered + Int64(rng.exponential(rate: 0.3) * hour), delivery: delivery, emailOnly: emailOnly))
          }
          if rng.bernoulli(step.nudge) {
            let nudged = delivered + Int64(rng.exponential(rate: 1 / step.delayHours) * hour)
            if purchase.map({ nudged < $0 }) ?? true { purchase = nudged }
          }
        }
      }
      // Unsubscribes from the preference centre, in every arm (not caused by this journey).
      if rng.bernoulli(CartRecoveryModel.preferenceUnsubscribe) {
        let time = t0 + Int64(rng.uniform() * 10 * day)
        if time < horizon {
          counter += 1
          messages.append(Line(
            time: time,
            text: "{\"event_id\":\"01J\(token(23))\",\"object_type\":\"customer\",\"metric\":\"unsubscribed\",\"timestamp\":\(time / Timestamp.microsecondsPerSecond),\"data\":{\"customer_id\":\"\(user)\",\"identifiers\":{\"id\":\"\(user)\",\"email\":\"\(email)\",\"cio_id\":\"\(cio)\"}}}"))
        }
      }
      // Behaviour: the purchase, repeat orders, sessions (14 days before entry to 30 after).
      let activity = rng.gamma(shape: 2, scale: 0.06)
      var orders: [Int64] = []
      // Earlier orders (the pre-period CUPED uses), then the recovered purchase and repeats.
      var before = Double(t0 - 30 * Timestamp.microsecondsPerDay)
      while true {
        before += rng.exponential(rate: CartRecoveryModel.repeatOrdersPerDay) * day
        guard before < Double(t0) else { break }
        orders.append(Int64(before))
      }
      if let p = purchase { orders.append(p) }
      var t = Double(t0 + 3 * Timestamp.microsecondsPerDay)
      while true {
        t += rng.exponential(rate: CartRecoveryModel.repeatOrdersPerDay) * day
        guard t < Double(horizon) else { break }
        orders.append(Int64(t))
      }
      for time in orders where time < horizon {
        let amount = purchase == time ? value : exp(CartRecoveryModel.valueMu + CartRecoveryModel.valueSigma * rng.normal())
        let money = NumberFormatting.money(amount)
        let guest = rng.bernoulli(0.05)
        let properties = rng.bernoulli(0.1)
          ? "{\"order_id\":\"o-\(token(8))\",\"$price\":\(money),\"$quantity\":1,\"$revenueType\":\"purchase\"}"
          : "{\"order_id\":\"o-\(token(8))\",\"$revenue\":\(money),\"$price\":\(money),\"$quantity\":1,\"$revenueType\":\"purchase\"}"
        events.append(amplitude(guest ? nil : user, device: device, amplitudeID: amplitudeID, type: "Order Completed", time: time, properties: properties))
        events.append(amplitude(user, device: device, amplitudeID: amplitudeID, type: "Session Start", time: time - Int64(rng.uniform() * 600) * 1_000_000, properties: "{}"))
      }
      var s = Double(t0 - 14 * Timestamp.microsecondsPerDay)
      while true {
        s += rng.exponential(rate: activity) * day
        guard s < Double(min(horizon, t0 + 30 * Timestamp.microsecondsPerDay)) else { break }
        let anonymous = rng.bernoulli(0.15)
        events.append(amplitude(anonymous ? nil : user, device: device, amplitudeID: amplitudeID, type: "Session Start", time: Int64(s), properties: "{}"))
        if rng.bernoulli(0.3) {
          events.append(amplitude(anonymous ? nil : user, device: device, amplitudeID: amplitudeID, type: "Product Viewed", time: Int64(s) + 30_000_000, properties: "{\"product_id\":\"p-\(rng.next() % 500)\"}"))
        }
      }
    }
    // Noise: another journey's users, retries and backfills, truncated lines, late arrivals.
    for k in 0..<(users / 50) {
      let time = asOf - Int64(rng.uniform() * 60 * day)
      events.append(amplitude("visitor_\(k)", device: uuid(), amplitudeID: 9_000_000_000 + UInt64(k), type: "Session Start", time: time, properties: "{}"))
    }
    let messageCount = messages.count, eventCount = events.count
    for _ in 0..<(messageCount / 200) where messageCount > 0 { messages.append(messages[rng.index(messageCount)]) }
    for _ in 0..<(eventCount / 300) where eventCount > 0 { events.append(events[rng.index(eventCount)]) }
    if messageCount > 10 {
      let cut = messages[messageCount / 2]
      messages.append(Line(time: cut.time, text: String(cut.text.prefix(cut.text.count / 2))))
      messages.append(Line(time: cut.time, text: cut.text.replacingOccurrences("\"timestamp\":", "\"timestamp\":\"soon\",\"was\":")))
    }
    if eventCount > 10 {
      let cut = events[eventCount / 3]
      events.append(Line(time: cut.time, text: String(cut.text.prefix(cut.text.count - 20))))
    }
    // Exports arrive roughly in time order; 2 % arrive late (a later export partition).
    var late: [Line] = []
    func order(_ lines: inout [Line]) {
      late.removeAll()
      var kept: [Line] = []
      for line in lines { if rng.bernoulli(0.02) { late.append(line) } else { kept.append(line) } }
      kept.sort { $0.time < $1.time || ($0.time == $1.time && $0.text < $1.text) }
      lines = kept + late
    }
    order(&messages)
    order(&events)
    cohort.sort()
    identities.sort()

    try write(lines: cohort, header: "user_id,entered_at,cart_band", to: out + "/cohort.csv")
    try write(lines: identities, header: "customer_id,email,amplitude_id,device_id", to: out + "/identities.csv")
    let messageFile = try GzipFile(path: out + "/messages.jsonl.gz")
    for line in messages { try messageFile.write(line.text + "\n") }
    try messageFile.close()
    let eventFile = try GzipFile(path: out + "/events.json.gz")
    for line in events { try eventFile.write(line.text + "\n") }
    try eventFile.close()
    try ByteSink.write(experimentFile(), to: out + "/experiment.json")
    try ByteSink.write(truthFile(), to: out + "/truth.json")
  }

  func experimentFile() -> String {
    """
    {
      "key": "\(CartRecoveryModel.key)",
      "hash_version": 2,
      "arms": [
        {"name": "holdout", "weight": 0.1, "control": true},
        {"name": "journey", "weight": 0.9}
      ],
      "inputs": {
        "cohort": "cohort.csv",
        "identities": {"path": "identities.csv", "unit": "customer_id"},
        "messages": {"path": "messages.jsonl.gz", "format": "customerio"},
        "events": {
          "path": "events.json.gz", "format": "amplitude",
          "rename": {"Order Completed": "order", "Session Start": "session"}
        }
      },
      "as_of": "\(Timestamp.format(asOf))",
      "exposure": ["sms_delivered", "email_delivered"],
      "metrics": [
        {"name": "recovered_3d", "kind": "conversion", "event": "order", "window_days": 3, "role": "primary"},
        {"name": "revenue_7d", "kind": "revenue", "event": "order", "window_days": 7, "role": "secondary", "cap_percentile": 0.99},
        {"name": "orders_30d", "kind": "count", "event": "order", "window_days": 30, "role": "secondary"},
        {"name": "retained_d7", "kind": "retention", "event": "session", "day": 7, "window_days": 7, "role": "secondary"},
        {"name": "unsubscribed_7d", "kind": "conversion", "events": ["sms_unsubscribed", "email_unsubscribed", "customer_unsubscribed"], "window_days": 7, "role": "guardrail", "harmful": "increase"}
      ],
      "segments": ["cart_band"],
      "costs": {"sms": 0.0075, "email": 0.001}
    }

    """
  }

  func truthFile() -> String {
    let steps = CartRecoveryModel.steps.map { step in
      "{\"channel\": \"\(step.channel)\", \"hours\": \(NumberFormatting.shortest(step.hours)), \"reachable\": \(NumberFormatting.shortest(step.reachable)), \"nudge\": \(NumberFormatting.shortest(step.nudge)), \"delay_hours\": \(NumberFormatting.shortest(step.delayHours))}"
    }.joined(separator: ",\n      ")
    let bands = CartRecoveryModel.bands.map { "\"\($0.name)\": \(NumberFormatting.shortest($0.naturalRecovery))" }
      .joined(separator: ", ")
    return """
      {
        "seed": \(seed),
        "users": \(users),
        "note": "Planted parameters of CartRecoveryModel: natural recovery by cart band at Exp(mean \(NumberFormatting.shortest(CartRecoveryModel.naturalDelayHours)) h); each journey step, if sent before a purchase to a reachable user, triggers one with probability nudge.",
        "natural_recovery": {\(bands)},
        "steps": [
          \(steps)
        ]
      }

      """
  }

  /// Amplitude's `event_time` form: `2026-11-03 14:22:05.123000` (UTC, no zone).
  static func amplitudeTime(_ micros: Int64) -> String {
    let iso = Timestamp.format(micros / 1_000 * 1_000)
    let base = String(iso.prefix(19)).replacingOccurrences("T", " ")
    let fraction = (micros / 1_000 % 1_000 + 1_000) % 1_000 * 1_000
    let digits = String(fraction)
    return base + "." + String(repeating: "0", count: 6 - digits.count) + digits
  }

  private func write(lines: [String], header: String, to path: String) throws(IngestError) {
    let file = try BufferedFile(path: path)
    file.write(header + "\n")
    for line in lines { file.write(line + "\n") }
    try file.close()
  }
}

extension String {
  /// Every occurrence of `target` replaced by `replacement` (no Foundation).
  func replacingOccurrences(_ target: String, _ replacement: String) -> String {
    guard !target.isEmpty else { return self }
    var result = ""
    var rest = Substring(self)
    while let range = rest.firstRange(of: target) {
      result += rest[..<range.lowerBound]
      result += replacement
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
