#if canImport(Glibc)
  import Glibc
#endif
import Assignment
import Ingest

/// Writes a synthetic win-back experiment: experiment.json, cohort.csv, messages.csv,
/// events.csv and truth.json (the planted effects), reproducible from the seed.
///
/// Realistic shapes: most users never order, order values are skewed (lognormal), activity
/// varies by user (Gamma frailty), and the files carry the noise real exports have: events of
/// users outside the cohort (~3 %), repeated event ids (~0.3 %), a few unreadable rows, events
/// after the cutoff, mixed timestamp forms (ISO with Z or offset, epoch seconds, epoch
/// milliseconds) and rows in no particular order. The platform's recorded arm is written in the
/// cohort and disagrees with the hash for about 0.1 % of users, as a platform glitch would.
public struct Simulator: Sendable {
  /// Number of users who enter the journey.
  public let users: Int
  /// The random seed.
  public let seed: UInt64
  /// The planted lift (see `WinbackModel`).
  public let lift: Double
  /// The analysis cutoff written into experiment.json.
  public let asOf: Int64
  /// Entries are spread uniformly over this many days before `asOf`.
  public let entryDays: Double
  /// Session-rate multiplier (benchmarks: more behaviour events per user); 1 for the fixture.
  public var activity = 1.0
  /// When true, each message also has its `*_sent` event before delivery, as platform exports
  /// do (benchmarks); false for the fixture.
  public var sends = false

  /// A simulator; `asOf` defaults to 2026-11-16T00:00:00Z and entries span 84 days.
  public init(users: Int, seed: UInt64, lift: Double, asOf: Int64? = nil, entryDays: Double = 84) {
    self.users = users
    self.seed = seed
    self.lift = lift
    self.asOf = asOf ?? Timestamp.parse("2026-11-16T00:00:00Z")!
    self.entryDays = entryDays
  }

  /// The experiment key written into experiment.json.
  public static let key = "winback-2026"

  /// Writes the experiment into directory `out`.
  public func write(to out: String) throws(IngestError) {
    try ByteSink.makeDirectory(out)
    let model = WinbackModel(lift: lift, activity: activity)
    var rng = SplitMix64(seed: seed)
    let splitter = Splitter(seed: Self.key, weights: WinbackModel.arms.map(\.weight))
    let day = Double(Timestamp.microsecondsPerDay)
    let hour = day / 24
    let horizon = asOf + 3 * Timestamp.microsecondsPerDay  // exports run a little past the cutoff

    var cohort: [String] = []
    var messages: [String] = []
    var events: [String] = []
    var eventCounter = 0
    var messageCounter = 0
    var ids = ByteKeyTable(capacity: users * 2)

    func eventRow(_ user: String, _ name: String, _ time: Int64, _ value: String) -> String {
      eventCounter += 1
      return "\(user),\(name),\(formatTime(time, &rng)),\(value),ev_\(String(eventCounter, radix: 36))"
    }
    func poisson(_ user: String, _ name: String, rate: Double, from: Int64, to: Int64, value: Bool) {
      guard rate > 0, to > from else { return }
      var t = Double(from)
      while true {
        t += rng.exponential(rate: rate) * day
        guard t < Double(to) else { return }
        let amount = value ? NumberFormatting.money(exp(WinbackModel.valueMu + WinbackModel.valueSigma * rng.normal())) : ""
        events.append(eventRow(user, name, Int64(t), amount))
      }
    }

    for _ in 0..<users {
      var user = ""
      repeat {
        user = "cus_" + String(rng.next() & 0xFF_FFFF_FFFF, radix: 36)
      } while ids.find(user) != nil
      ids.intern(user)
      let t0 = asOf - Int64(rng.uniform() * entryDays * day) - Int64(hour)
      var segment = 0
      let u = rng.uniform()
      if u > WinbackModel.segmentShares[0] { segment = u > 1 - WinbackModel.segmentShares[2] ? 2 : 1 }
      let arm = splitter.assign(user).arm ?? 0
      var recorded = WinbackModel.arms[arm].name
      if rng.bernoulli(0.001) { recorded = WinbackModel.arms[(arm + 1) % WinbackModel.arms.count].name }
      cohort.append("\(user),\(Timestamp.format(t0 / Timestamp.microsecondsPerSecond * Timestamp.microsecondsPerSecond)),\(recorded),\(WinbackModel.segments[segment])")

      let g = rng.gamma(shape: WinbackModel.frailtyShape, scale: WinbackModel.frailtyScale)
      let orderRate = WinbackModel.orderRates[segment] * g
      let sessionRate = WinbackModel.sessionRates[segment] * activity * g
      let effectEnd = t0 + Int64(WinbackModel.effectDays * day)
      // Pre-period: sessions in the 10 days before entry (lapsed users browse but do not buy).
      poisson(user, "session", rate: sessionRate, from: t0 - Int64(10 * day), to: t0, value: false)
      poisson(user, "session", rate: sessionRate * model.sessionMultiplier(arm: arm), from: t0, to: min(effectEnd, horizon), value: false)
      poisson(user, "session", rate: sessionRate, from: effectEnd, to: horizon, value: false)
      poisson(user, "order", rate: orderRate * model.orderMultiplier(arm: arm), from: t0, to: min(effectEnd, horizon), value: true)
      poisson(user, "order", rate: orderRate, from: effectEnd, to: horizon, value: true)

      // Messages: the journey sends SMS at 1 h and, in sms_email, email at 20 h.
      var unsubscribeRate = 0.002  // other marketing, every arm
      if arm != 0 {
        messageCounter += 1
        let sms = t0 + Int64(hour * (1 + rng.uniform() * 0.2))
        let delivered = rng.bernoulli(0.97)
        if sends { messages.append("\(user),sms_sent,\(formatTime(sms, &rng)),sms,winback,msg_\(messageCounter)") }
        messages.append("\(user),\(delivered ? "sms_delivered" : "sms_failed"),\(formatTime(sms, &rng)),sms,winback,msg_\(messageCounter)")
        if delivered {
          unsubscribeRate += 0.004
          if rng.bernoulli(0.06) {
            messages.append("\(user),sms_clicked,\(formatTime(sms + Int64(rng.exponential(rate: 1) * hour), &rng)),sms,winback,msg_\(messageCounter)")
          }
        }
      }
      if arm == 2 {
        messageCounter += 1
        let email = t0 + Int64(hour * (20 + rng.uniform()))
        if sends { messages.append("\(user),email_sent,\(formatTime(email, &rng)),email,winback,msg_\(messageCounter)") }
        if rng.bernoulli(0.95) {
          unsubscribeRate += 0.006
          messages.append("\(user),email_delivered,\(formatTime(email, &rng)),email,winback,msg_\(messageCounter)")
          if rng.bernoulli(0.3) {
            let opened = email + Int64(rng.exponential(rate: 0.5) * hour)
            messages.append("\(user),email_opened,\(formatTime(opened, &rng)),email,winback,msg_\(messageCounter)")
            if rng.bernoulli(0.25) {
              messages.append("\(user),email_clicked,\(formatTime(opened + Int64(rng.uniform() * hour), &rng)),email,winback,msg_\(messageCounter)")
            }
          }
        } else {
          messages.append("\(user),email_bounced,\(formatTime(email, &rng)),email,winback,msg_\(messageCounter)")
        }
      }
      if rng.bernoulli(unsubscribeRate) {
        let channel = arm == 2 && rng.bernoulli(0.6) ? "email" : "sms"
        let time = t0 + Int64(rng.uniform() * 14 * day)
        messageCounter += 1
        messages.append("\(user),\(channel)_unsubscribed,\(formatTime(time, &rng)),\(channel),,msg_\(messageCounter)")
      }
    }
    addNoise(cohort: &cohort, messages: &messages, events: &events, rng: &rng)
    rng.shuffle(&events)
    rng.shuffle(&messages)

    try write(lines: cohort, header: "user_id,entered_at,arm,segment", to: out + "/cohort.csv")
    try write(lines: messages, header: "user_id,event,timestamp,channel,campaign,message_id", to: out + "/messages.csv")
    try write(lines: events, header: "user_id,event,timestamp,value,event_id", to: out + "/events.csv")
    try ByteSink.write(experimentFile(), to: out + "/experiment.json")
    try ByteSink.write(truthFile(model), to: out + "/truth.json")
  }

  /// Mixed timestamp forms, as different exporters write them: mostly ISO-8601 with `Z`.
  private func formatTime(_ micros: Int64, _ rng: inout SplitMix64) -> String {
    let roll = rng.uniform()
    let seconds = micros / Timestamp.microsecondsPerSecond * Timestamp.microsecondsPerSecond
    if roll < 0.80 { return Timestamp.format(seconds) }
    if roll < 0.88 { return String(micros / 1_000) }  // epoch milliseconds
    if roll < 0.94 { return String(micros / Timestamp.microsecondsPerSecond) }  // epoch seconds
    // ISO with a +02:00 offset, written in local time.
    let local = Timestamp.format(seconds + 2 * 3_600 * Timestamp.microsecondsPerSecond)
    return String(local.dropLast()) + "+02:00"
  }

  private func addNoise(
    cohort: inout [String], messages: inout [String], events: inout [String], rng: inout SplitMix64
  ) {
    let count = events.count
    // Events of users outside the cohort (another journey's users in the same export).
    for k in 0..<(count * 3 / 100) {
      let time = asOf - Int64(rng.uniform() * 90 * Double(Timestamp.microsecondsPerDay))
      events.append("visitor_\(k % 997),session,\(Timestamp.format(time)),,visitor-ev-\(k)")
    }
    // Repeated deliveries of the same event (at-least-once export).
    for _ in 0..<(count * 3 / 1000) where count > 0 { events.append(events[rng.index(count)]) }
    // Unreadable rows.
    let bad = [
      "cus_bad1,order,2026-13-45T00:00:00Z,10.00,ev_bad1", ",session,2026-10-01T10:00:00Z,,ev_bad2",
      "cus_bad3,order,2026-10-01T10:00:00Z,12;99,ev_bad3", "cus_bad4,session,yesterday,,ev_bad4",
      "cus_bad5,order,2026-10-02T10:00:00Z", "cus_bad6,order,2026-10-02T10:00:00Z,1.00,ev_bad6,extra",
    ]
    for k in 0..<max(1, users / 2_000) { events.append(bad[k % bad.count]) }
    messages.append("cus_bad7,sms_delivered,not-a-time,sms,winback,msg_bad")
    if cohort.count > 10 {
      cohort.append(cohort[3])  // a user exported twice
      cohort.append("cus_badentry,2026-02-30T00:00:00Z,sms,lapsed_60")
      cohort.append("cus_badarm,2026-10-01T00:00:00Z,email_only,lapsed_60")
    }
  }

  private func write(lines: [String], header: String, to path: String) throws(IngestError) {
    let file = try BufferedFile(path: path)
    file.write(header + "\n")
    for line in lines { file.write(line + "\n") }
    try file.close()
  }

  func experimentFile() -> String {
    """
    {
      "key": "\(Self.key)",
      "salt": "\(Self.key)",
      "hash_version": 2,
      "arms": [
        {"name": "holdout", "weight": 0.1, "control": true},
        {"name": "sms", "weight": 0.45},
        {"name": "sms_email", "weight": 0.45}
      ],
      "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "events.csv"},
      "as_of": "\(Timestamp.format(asOf))",
      "exposure": ["sms_delivered", "email_delivered"],
      "metrics": [
        {"name": "conversion_14d", "kind": "conversion", "event": "order", "window_days": 14, "role": "primary"},
        {"name": "revenue_30d", "kind": "revenue", "event": "order", "window_days": 30, "role": "secondary", "cap": 1000},
        {"name": "retained_d7", "kind": "retention", "event": "session", "day": 7, "window_days": 7, "role": "secondary"},
        {"name": "retained_d30", "kind": "retention", "event": "session", "day": 30, "window_days": 7, "role": "secondary"},
        {"name": "unsubscribed_14d", "kind": "conversion", "events": ["sms_unsubscribed", "email_unsubscribed"], "window_days": 14, "role": "guardrail", "harmful": "increase"}
      ],
      "segments": ["segment"],
      "costs": {"sms": 0.0075, "email": 0.001},
      "analysis": {"alpha": 0.05, "compare": [{"arm": "sms_email", "against": "sms"}]}
    }

    """
  }

  func truthFile(_ model: WinbackModel) -> String {
    var lines: [String] = []
    for metric in ["conversion_14d", "revenue_30d", "retained_d7", "retained_d30"] {
      let means = WinbackModel.arms.indices.map { model.trueMean(metric: metric, arm: $0) ?? 0 }
      let arms = WinbackModel.arms.indices.map { i in
        "\"\(WinbackModel.arms[i].name)\": \(NumberFormatting.shortest(means[i]))"
      }.joined(separator: ", ")
      lines.append("    \"\(metric)\": {\(arms)}")
    }
    return """
      {
        "seed": \(seed),
        "users": \(users),
        "lift": \(NumberFormatting.shortest(lift)),
        "note": "True per-user means by arm under the generating model (WinbackModel); revenue_30d is before the cap.",
        "true_means": {
      \(lines.joined(separator: ",\n"))
        }
      }

      """
  }
}

/// Number formatting for generated files.
enum NumberFormatting {
  /// Money with two decimals, computed without locale.
  static func money(_ value: Double) -> String {
    let cents = Int64((value * 100).rounded())
    let remainder = cents % 100
    return "\(cents / 100).\(remainder < 10 ? "0" : "")\(remainder)"
  }

  /// The shortest round-trip form of a Double.
  static func shortest(_ value: Double) -> String { "\(value)" }
}
