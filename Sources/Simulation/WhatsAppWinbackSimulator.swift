#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Assignment
import Ingest

/// A synthetic WhatsApp win-back program run the way the SendApp guide describes it: a contact
/// export every Monday, the customers inactive for 60, 90 and 180+ days entering that week, a
/// short WhatsApp sequence for the treatment arm, and the orders that follow.
///
/// Writes `contacts/<date>.csv` (one export per weekly run, rows in random order: id, phone,
/// WhatsApp consent, unsubscribed, last order before that Monday), `orders.csv` (every order,
/// before and during the program), `messages.csv` (WhatsApp sends, deliveries, reads,
/// unsubscribes), `experiment.json` (with its `entry` rule) and `truth.json`: the entrants and
/// exclusions of each week, computed here by the program's own rules on whole local days it
/// generated (an independent route from `holdout cohort`, which parses the exports back), and
/// the planted effect. The cohort itself is not written: `holdout cohort` builds it.
///
/// Planted: treatment users make an extra order within 14 days of entry with probability
/// `recovery` (0.08); each WhatsApp message leads to an unsubscribe with probability 0.02, and
/// every entrant, in either arm, opts out through the preference centre within 14 days with
/// probability 0.006 (so the guardrail has a baseline).
/// Traps: one contact listed twice in every export, one whose last order is written `n/a`,
/// purchases at every hour of the local day (so 23:30 on a threshold day occurs).
public struct WhatsAppWinbackSimulator: Sendable {
  public let users: Int
  public let seed: UInt64
  /// The extra-order probability in the treatment arm.
  public var recovery = 0.08

  /// The weekly runs' local dates (Mondays) and the report's as_of.
  public static let weeks = ["2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05"]
  public static let asOf = "2026-11-16T00:00:00Z"
  static let zoneName = "Europe/Rome"
  static let key = "whatsapp-winback-2026"
  static let arms = [("holdout", 0.15), ("whatsapp", 0.85)]
  static let thresholds = [(60, "lapsed_60"), (90, "lapsed_90"), (180, "lapsed_180")]

  public init(users: Int, seed: UInt64) {
    self.users = users
    self.seed = seed
  }

  /// One generated customer.
  struct Customer {
    var id: String
    var phone: String
    var consent: Bool
    var unsubscribed: Bool
    /// Orders as (local day, second of the local day, value in cents), sorted.
    var orders: [(day: Int64, second: Int64, cents: Int)] = []
    var badDate = false
    var enteredWeek: Int? = nil
  }

  /// Writes the experiment into `out`.
  public func write(to out: String) throws(IngestError) {
    guard let zone = TimeZoneRule(Self.zoneName) else {
      throw .unreadable(path: TimeZoneRule.zoneDirectory + "/" + Self.zoneName, reason: "the time zone is missing; install tzdata")
    }
    var rng = SplitMix64(seed: seed)
    let day = Timestamp.microsecondsPerDay
    let weekDays = Self.weeks.map { Timestamp.parse($0)! / day }
    let endDay = Timestamp.parse(Self.asOf)! / day
    let startDay = weekDays[0] - 540
    let splitter = Splitter(seed: Self.key, weights: Self.arms.map(\.1))
    func utc(_ localDay: Int64, _ second: Int64) -> Int64 { zone.utc(fromLocal: localDay * day + second * 1_000_000) }

    var customers: [Customer] = []
    var ids = Set<String>()
    let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
    while customers.count < users {
      let id = "c" + String((0..<7).map { _ in alphabet[rng.index(alphabet.count)] })
      guard ids.insert(id).inserted else { continue }
      let phone = "+393" + String((0..<9).map { _ in alphabet[rng.index(10)] })
      var customer = Customer(id: id, phone: phone, consent: rng.bernoulli(0.85), unsubscribed: rng.bernoulli(0.03))
      if !rng.bernoulli(0.06) {
        // Mean days between orders, log-uniform from 20 to 600.
        let mean = 20 * pow(30, rng.uniform())
        var t = Double(startDay) + rng.exponential(rate: 1 / mean) - mean
        while t < Double(endDay) {
          if t >= Double(startDay) { customer.orders.append((Int64(t.rounded(.down)), Int64(rng.index(86_400)), 1_500 + rng.index(12_000))) }
          t += rng.exponential(rate: 1 / mean)
        }
      }
      customers.append(customer)
    }
    customers[1].badDate = true

    // The weekly program, by its own rules, on local days.
    var truth: [String] = []
    var messages: [String] = []
    var extraOrders: [(Int, Int64, Int64, Int)] = []
    for (k, week) in weekDays.enumerated() {
      var entered = [[Int]](repeating: [0, 0], count: Self.thresholds.count)
      var excluded: [String: Int] = ["duplicate_contact": 1]
      for index in customers.indices {
        let c = customers[index]
        let last = c.orders.last { utc($0.day, $0.second) < utc(week, 0) }
        let reason: String?
        if !c.consent { reason = "no_consent" } else if c.unsubscribed { reason = "unsubscribed" } else if last == nil {
          reason = "never_purchased"
        } else if c.badDate { reason = "unparsable_last_purchase" } else if week - last!.day < 60 {
          reason = "purchased_recently"
        } else if c.enteredWeek != nil { reason = "already_in_cohort" } else { reason = nil }
        if let reason {
          excluded[reason, default: 0] += 1
          continue
        }
        let days = week - last!.day
        let segment = Self.thresholds.lastIndex { Int64($0.0) <= days }!
        let arm = splitter.assign(c.id).arm!
        entered[segment][arm] += 1
        customers[index].enteredWeek = k
        if rng.bernoulli(0.006) {
          let optOut = utc(week + Int64(rng.index(14)), Int64(rng.index(86_400)))
          messages.append("\(c.id),whatsapp_unsubscribed,\(Timestamp.format(optOut)),preference_centre")
        }
        guard arm == 1 else { continue }
        // Two messages: at entry 10:00 local, and four days later unless an order came first.
        let recovered = rng.bernoulli(recovery)
        let recoveryDay = week + Int64(rng.index(14))
        for (m, offset) in [0, 4].enumerated() {
          let sendDay = week + Int64(offset)
          if m == 1 && recovered && recoveryDay < sendDay { break }
          let sent = utc(sendDay, 36_000 + Int64(rng.index(1_800)))
          messages.append("\(c.id),whatsapp_sent,\(Timestamp.format(sent)),whatsapp")
          guard rng.bernoulli(0.97) else { continue }
          messages.append("\(c.id),whatsapp_delivered,\(Timestamp.format(sent + 4_000_000)),whatsapp")
          if rng.bernoulli(0.7) {
            messages.append("\(c.id),whatsapp_read,\(Timestamp.format(sent + Int64(60 + rng.index(7_200)) * 1_000_000)),whatsapp")
          }
          if rng.bernoulli(0.02) {
            messages.append("\(c.id),whatsapp_unsubscribed,\(Timestamp.format(sent + Int64(120 + rng.index(3_600)) * 1_000_000)),whatsapp")
          }
        }
        if recovered { extraOrders.append((index, recoveryDay, Int64(43_200 + rng.index(36_000)), 2_000 + rng.index(8_000))) }
      }
      truth.append(Self.truthLine(week: Self.weeks[k], entered: entered, excluded: excluded))
      // This Monday's export, rows in random order, with its traps.
      var rows = customers.map { c -> String in
        let last = c.orders.last { utc($0.day, $0.second) < utc(week, 0) }
        let lastText = c.badDate && last != nil ? "n/a" : last.map { Timestamp.format(utc($0.day, $0.second)) } ?? ""
        return "\(c.id),\(c.phone),\(c.consent ? "yes" : "no"),\(c.unsubscribed ? "true" : "false"),\(lastText)"
      }
      rows.append(rows[0])
      rng.shuffle(&rows)
      try ByteSink.makeDirectory(out + "/contacts")
      try ByteSink.write(
        "customer_id,phone,whatsapp_opt_in,unsubscribed,last_order_at\n" + rows.map { $0 + "\n" }.joined(),
        to: out + "/contacts/\(Self.weeks[k]).csv")
      // Orders placed after entry because of the journey join the history for later weeks.
      for (index, d, second, cents) in extraOrders {
        customers[index].orders.append((d, second, cents))
        customers[index].orders.sort { ($0.day, $0.second) < ($1.day, $1.second) }
      }
      extraOrders.removeAll()
    }

    var orders: [String] = []
    for c in customers {
      for (n, o) in c.orders.enumerated() where o.day < endDay {
        orders.append("\(c.id),order,\(Timestamp.format(utc(o.day, o.second))),\(o.cents / 100).\(String(o.cents % 100 + 100).dropFirst()),\(c.id)-\(n)")
      }
    }
    rng.shuffle(&orders)
    rng.shuffle(&messages)
    try ByteSink.write("user_id,event,timestamp,value,event_id\n" + orders.map { $0 + "\n" }.joined(), to: out + "/orders.csv")
    try ByteSink.write("user_id,event,timestamp,channel\n" + messages.map { $0 + "\n" }.joined(), to: out + "/messages.csv")
    try ByteSink.write(experimentFile(), to: out + "/experiment.json")
    try ByteSink.write(
      "{\n  \"recovery\": \(recovery),\n  \"weeks\": [\n" + truth.joined(separator: ",\n") + "\n  ]\n}\n", to: out + "/truth.json")
  }

  static func truthLine(week: String, entered: [[Int]], excluded: [String: Int]) -> String {
    let segments = thresholds.indices.map { s in
      "\"\(thresholds[s].1)\": {\"holdout\": \(entered[s][0]), \"whatsapp\": \(entered[s][1])}"
    }
    let reasons = excluded.keys.sorted().map { "\"\($0)\": \(excluded[$0]!)" }
    return "    {\"as_of\": \"\(week)\", \"entered\": {\(segments.joined(separator: ", "))}, \"not_entered\": {\(reasons.joined(separator: ", "))}}"
  }

  func experimentFile() -> String {
    """
    {
      "key": "\(Self.key)",
      "arms": [
        {"name": "holdout", "weight": 0.15, "control": true},
        {"name": "whatsapp", "weight": 0.85}
      ],
      "entry": {
        "contacts": {"path": "contacts/\(Self.weeks.last!).csv", "id": "customer_id", "last_purchase": "last_order_at",
                     "consent": "whatsapp_opt_in", "unsubscribed": "unsubscribed", "phone": "phone"},
        "segments": [60, 90, 180],
        "timezone": "\(Self.zoneName)"
      },
      "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "orders.csv"},
      "as_of": "\(Self.asOf)",
      "exposure": ["whatsapp_delivered"],
      "metrics": [
        {"name": "conversion_14d", "kind": "conversion", "event": "order", "window_days": 14, "role": "primary"},
        {"name": "revenue_30d", "kind": "revenue", "event": "order", "window_days": 30, "role": "secondary", "cap": 500},
        {"name": "unsubscribed_14d", "kind": "conversion", "event": "whatsapp_unsubscribed", "window_days": 14, "role": "guardrail", "harmful": "increase"}
      ],
      "segments": ["segment"],
      "costs": {"whatsapp": 0.06}
    }

    """
  }
}
