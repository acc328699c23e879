import Ingest

/// Streams a messages or events CSV and folds every row into the per-user outcomes.
///
/// - messages: `user_id,event,timestamp[,channel][,campaign][,message_id]`; de-duplicated on
///   (message_id, event) when message_id is present; exposure events at or after entry set the
///   user's first exposure (channel from the `channel` column, else the event name's prefix
///   before `_`).
/// - events: `user_id,event,timestamp[,value][,event_id]`; de-duplicated on event_id when
///   present.
/// Every metric's events are matched in both files. Each row gets exactly one fate in the
/// file's `Reconciliation`, checked in this order: rejected (unreadable), duplicate, after
/// `as_of`, user not in cohort, user not analysed, event not measured, outside every window,
/// used.
struct EventJoiner {
  enum Role: String {
    case messages
    case events
  }

  let experiment: ExperimentDefinition
  let asOf: Int64
  let strict: Bool

  /// What each known event name means: the metrics it feeds and whether it is an exposure.
  struct EventMeaning {
    var metrics: [Int] = []
    var isExposure = false
    var isReturn = false
  }

  func join(
    path: String, role: Role, cohort: CohortTable, outcomes: inout UserOutcomes,
    channels: inout ChannelTable, findings: inout JoinFindings
  ) throws(MeasurementError) -> Reconciliation {
    return try readingInput(path: path) {
      try read(
        path: path, role: role, cohort: cohort, outcomes: &outcomes, channels: &channels,
        findings: &findings)
    }
  }

  private func read(
    path: String, role: Role, cohort: CohortTable, outcomes: inout UserOutcomes,
    channels: inout ChannelTable, findings: inout JoinFindings
  ) throws -> Reconciliation {
    var reader = try CSVReader(path: path)
    let header = try reader.readHeader()
    let userColumn = try reader.requireColumn("user_id")
    let eventColumn = try reader.requireColumn("event")
    let timeColumn = try reader.requireColumn("timestamp")
    let valueColumn = role == .events ? reader.column("value") : nil
    let idColumn = reader.column(role == .events ? "event_id" : "message_id")
    let channelColumn = role == .messages ? reader.column("channel") : nil
    let fieldCount = header.count

    var names = ByteKeyTable(capacity: 64)
    var meanings: [EventMeaning] = []
    func meaning(_ name: String) -> Int {
      let id = Int(names.intern(name))
      if id == meanings.count { meanings.append(EventMeaning()) }
      return id
    }
    for (index, metric) in experiment.metrics.enumerated() {
      for event in metric.events { meanings[meaning(event)].metrics.append(index) }
    }
    if role == .messages {
      for event in experiment.exposure { meanings[meaning(event)].isExposure = true }
    }
    for event in experiment.returnEvents { meanings[meaning(event)].isReturn = true }
    let survivalWindow = MetricDefinition.micros(days: experiment.analysis.survivalDays)
    // Cost per delivered message by channel code, filled as channels appear.
    var channelCosts: [Int64] = []
    func cost(of channel: Int32) -> Int64 {
      while channelCosts.count <= Int(channel) {
        let name = channels.name(Int32(channelCosts.count))
        let cost = experiment.costs.first { $0.channel == name }?.cost ?? 0
        channelCosts.append(Int64((cost * Double(Decimal.scale)).rounded()))
      }
      return channelCosts[Int(channel)]
    }
    let metrics = experiment.metrics
    // The de-duplication table grows with the number of distinct event ids (about 40 bytes
    // each), the one part of the join's memory that is per event rather than per user.
    var seen = ByteKeyTable(capacity: 1 << 12)
    var fingerprints: [UInt64] = []
    var firstLines: [Int] = []
    let idColumnName = role == .events ? "event_id" : "message_id"
    var dedupKey: [UInt8] = []
    var ledger = Reconciliation(role: role.rawValue, path: path)

    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
      func reject(_ reason: Reconciliation.Reason, _ detail: String) throws(IngestError) {
        ledger.reject(reason, line: row.line, detail: detail)
        if strict { throw .strictRejection(path: path, line: row.line, reason: detail) }
      }
      if row.isMalformed {
        return try reject(.malformedQuotes, "a quoted field is not closed properly")
      }
      guard row.count == fieldCount else {
        return try reject(.wrongFieldCount, "expected \(fieldCount) fields, found \(row.count)")
      }
      if row.isEmpty(userColumn) { return try reject(.emptyUserID, "user_id is empty") }
      if row.isEmpty(eventColumn) { return try reject(.emptyEvent, "event is empty") }
      guard let time = Timestamp.parse(row.field(timeColumn)) else {
        return try reject(
          .badTimestamp, "timestamp \(CohortLoader.quoted(row.field(timeColumn))) is not a timestamp")
      }
      var value: Int64? = nil
      if let valueColumn, !row.isEmpty(valueColumn) {
        guard let micros = Decimal.parseMicros(row.field(valueColumn)) else {
          return try reject(.badNumber, "value \(CohortLoader.quoted(row.field(valueColumn))) is not a number")
        }
        guard micros.magnitude <= UserOutcomes.maximumMagnitude else {
          return try reject(
            .valueOutOfRange,
            "value \(CohortLoader.quoted(row.field(valueColumn))) is beyond ±\(UserOutcomes.maximumUnits)")
        }
        value = micros
      }
      if let idColumn, !row.isEmpty(idColumn) {
        dedupKey.removeAll(keepingCapacity: true)
        dedupKey.append(contentsOf: row.field(idColumn))
        if role == .messages {
          dedupKey.append(0x1F)
          dedupKey.append(contentsOf: row.field(eventColumn))
        }
        let (id, inserted) = dedupKey.withUnsafeBufferPointer { seen.intern($0) }
        let print = Self.fingerprint(
          user: row.field(userColumn), event: row.field(eventColumn), time: time, value: value)
        if !inserted {
          if fingerprints[Int(id)] != print {
            findings.recordConflict(
              "\(Reconciliation.fileName(path)):\(row.line): \(idColumnName) \(CohortLoader.quoted(row.field(idColumn))) "
                + "repeats line \(firstLines[Int(id)]) with a different user, event, time or value")
          }
          return ledger.record(.duplicate)
        }
        fingerprints.append(print)
        firstLines.append(row.line)
      }
      if time >= asOf { return ledger.record(.afterAsOf) }
      guard let user = cohort.ids.find(row.field(userColumn)) else {
        return ledger.record(.userNotInCohort)
      }
      let u = Int(user)
      if cohort.arm[u] == CohortTable.notAnalysed { return ledger.record(.userNotAnalysed) }
      guard let name = names.find(row.field(eventColumn)) else {
        return ledger.record(.eventNotMeasured)
      }
      let meaning = meanings[Int(name)]
      let offset = time - cohort.entry[u]
      // Which metric windows the row falls in (post or pre-period), checked before anything is
      // applied so that a row whose value would overflow a user's total is rejected whole.
      // (No array is built: this runs once per row.)
      func window(_ m: Int) -> Bool? {
        let metric = metrics[m]
        if offset >= metric.windowStart && offset < metric.windowEnd { return true }
        if offset < 0 && offset >= -metric.windowLength { return false }
        return nil
      }
      var channel: Int32 = -1
      var messageCost: Int64 = 0
      if meaning.isExposure && offset >= 0 {
        if let channelColumn, !row.isEmpty(channelColumn) {
          channel = channels.code(row.field(channelColumn))
        } else {
          channel = channels.code(prefixOf: row.field(eventColumn))
        }
        messageCost = cost(of: channel)
        let (total, overflow) = outcomes.spend[u].addingReportingOverflow(messageCost)
        if overflow || total.magnitude > UserOutcomes.maximumMagnitude {
          return try reject(
            .valueOutOfRange,
            "user \(CohortLoader.quoted(row.field(userColumn)))'s message cost would pass ±\(UserOutcomes.maximumUnits)")
        }
      }
      for m in meaning.metrics where metrics[m].kind == .count || metrics[m].kind == .revenue {
        guard let isPost = window(m) else { continue }
        let current = isPost ? outcomes.post[m][u] : outcomes.pre[m][u]
        let increment = metrics[m].kind == .count ? Decimal.scale : (value ?? 0)
        let (total, overflow) = current.addingReportingOverflow(increment)
        if overflow || total.magnitude > UserOutcomes.maximumMagnitude {
          return try reject(
            .valueOutOfRange,
            "user \(CohortLoader.quoted(row.field(userColumn)))'s total for '\(metrics[m].name)' would pass ±\(UserOutcomes.maximumUnits)")
        }
      }
      var used = false
      if meaning.isExposure && offset >= 0 {
        used = true
        outcomes.spend[u] += messageCost
        let current = outcomes.firstExposure[u]
        if time < current
          || (time == current && channels.precedes(channel, outcomes.exposureChannel[u]))
        {
          outcomes.firstExposure[u] = time
          outcomes.exposureChannel[u] = channel
        }
      } else if meaning.isExposure {
        findings.exposuresBeforeEntry += 1
      }
      var lacksValue = false
      for m in meaning.metrics {
        guard let isPost = window(m) else { continue }
        used = true
        let kind = metrics[m].kind
        let increment = kind == .revenue ? (value ?? 0) : Decimal.scale
        if kind == .revenue && value == nil { lacksValue = true }
        if isPost {
          Self.apply(increment, kind: kind, to: &outcomes.post[m][u])
        } else {
          Self.apply(increment, kind: kind, to: &outcomes.pre[m][u])
        }
      }
      if lacksValue { findings.revenueRowsWithoutValue += 1 }
      if meaning.isReturn && offset >= 0 && offset < survivalWindow {
        used = true
        outcomes.firstReturn[u] = min(outcomes.firstReturn[u], time)
      }
      ledger.record(used ? .used : .outsideWindows)
    }
    return ledger
  }

  /// A 64-bit digest of what a row says (user, event, time, value), to tell a true duplicate from
  /// a different row that reuses an id.
  private static func fingerprint(
    user: UnsafeBufferPointer<UInt8>, event: UnsafeBufferPointer<UInt8>, time: Int64, value: Int64?
  ) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    var h = ByteKeyTable.hash(user)
    h = (h ^ ByteKeyTable.hash(event)) &* prime
    h = (h ^ UInt64(bitPattern: time)) &* prime
    h = (h ^ UInt64(bitPattern: value ?? Int64.min)) &* prime
    return h
  }

  @inline(__always)
  private static func apply(_ increment: Int64, kind: MetricDefinition.Kind, to value: inout Int64) {
    switch kind {
    case .conversion, .retention: value = Decimal.scale
    case .count, .revenue: value += increment
    }
  }
}

/// Data-quality observations made during the join, reported beside the reconciliation.
public struct JoinFindings: Sendable, Equatable {
  /// Exposure events (message deliveries) dated before the user entered the journey.
  public var exposuresBeforeEntry = 0
  /// Rows feeding a revenue metric that had no `value` (counted as 0 revenue), once per row.
  public var revenueRowsWithoutValue = 0
  /// Rows that reuse an earlier row's event id but differ from it in user, event, time or value.
  /// The first row in file order is kept, so the result depends on the export's order: a data
  /// problem to fix at the source.
  public private(set) var conflictingDuplicates = 0
  /// The first examples, as `file:line: detail`.
  public private(set) var conflictExamples: [String] = []

  mutating func recordConflict(_ example: String) {
    conflictingDuplicates += 1
    if conflictExamples.count < Reconciliation.exampleLimit { conflictExamples.append(example) }
  }

  /// No findings.
  public init() {}
}

/// Interned channel names (`sms`, `email`, …) with a deterministic order for ties.
public struct ChannelTable: Sendable {
  private var table = ByteKeyTable(capacity: 16)

  /// An empty table.
  public init() {}

  /// The number of channels.
  public var count: Int { table.count }

  /// The code of the channel spelled by `bytes`.
  mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    table.intern(bytes).id
  }

  /// The code of the channel named by an event's prefix (`sms_delivered` → `sms`).
  mutating func code(prefixOf event: UnsafeBufferPointer<UInt8>) -> Int32 {
    var end = event.count
    if let underscore = event.firstIndex(of: UInt8(ascii: "_")), underscore > 0 { end = underscore }
    return table.intern(UnsafeBufferPointer(rebasing: event[0..<end])).id
  }

  /// True when channel `a` sorts before `b` by name; any channel precedes none (−1).
  func precedes(_ a: Int32, _ b: Int32) -> Bool {
    if b < 0 { return true }
    if a < 0 { return false }
    return table.precedes(a, b)
  }

  /// The channel's name.
  public func name(_ code: Int32) -> String { table.string(code) }
}
