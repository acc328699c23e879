import Ingest

extension EventJoiner {
  /// The fold of one source's records into the join target.
  struct Fold {
    let joiner: EventJoiner
    let source: SourceSpec
    let role: Role
    let cohort: CohortTable
    let resolver: IdentityResolver
    let idFields: [String]
    var ledger: Reconciliation
    private var names = ByteKeyTable(capacity: 64)
    private var meanings: [EventMeaning] = []
    private var channelCosts: [Int64] = []
    private let survivalWindow: Int64
    private let file: String

    init(
      joiner: EventJoiner, source: SourceSpec, role: Role, cohort: CohortTable, resolver: IdentityResolver,
      idFields: [String]
    ) {
      self.idFields = idFields
      self.joiner = joiner
      self.source = source
      self.role = role
      self.cohort = cohort
      self.resolver = resolver
      ledger = Reconciliation(role: role.rawValue, path: source.path)
      ledger.format = source.format.rawValue
      file = Reconciliation.fileName(source.path)
      survivalWindow = MetricDefinition.micros(days: joiner.experiment.analysis.survivalDays)
      let experiment = joiner.experiment
      var byName: [(String, EventMeaning)] = []
      func add(_ name: String, _ change: (inout EventMeaning) -> Void) {
        if let k = byName.firstIndex(where: { $0.0 == name }) {
          change(&byName[k].1)
        } else {
          var meaning = EventMeaning()
          change(&meaning)
          byName.append((name, meaning))
        }
      }
      for (index, metric) in experiment.metrics.enumerated() {
        for event in metric.events { add(event) { $0.metrics.append(index) } }
      }
      if role == .messages {
        for event in experiment.exposure { add(event) { $0.isExposure = true } }
      }
      for event in experiment.returnEvents { add(event) { $0.isReturn = true } }
      for rename in source.rename {
        if let meaning = byName.first(where: { $0.0 == rename.to })?.1 { add(rename.from) { $0.merge(meaning) } }
      }
      for (name, meaning) in byName {
        let id = Int(names.intern(name))
        if id == meanings.count { meanings.append(meaning) } else { meanings[id].merge(meaning) }
      }
    }

    private mutating func cost(of channel: Int32, channels: ChannelTable) -> Int64 {
      guard channel >= 0 else { return 0 }
      while channelCosts.count <= Int(channel) {
        let name = channels.name(Int32(channelCosts.count))
        let cost = joiner.experiment.costs.first { $0.channel == name }?.cost ?? 0
        channelCosts.append(Int64((cost * Double(Decimal.scale)).rounded()))
      }
      return channelCosts[Int(channel)]
    }

    private mutating func reject(_ reason: Reconciliation.Reason, line: Int, _ detail: String) throws(IngestError) {
      ledger.reject(reason, line: line, detail: detail)
      if joiner.strict { throw .strictRejection(path: source.path, line: line, reason: detail) }
    }

    /// Takes one record (or rejection) from the reader.
    mutating func take(
      _ r: inout SourceRecord, _ extraction: Extraction, target: inout Target, dedup: inout DedupTable
    ) throws(IngestError) {
      switch extraction {
      case .rejected(let reason, let detail): return try reject(reason, line: r.line, detail)
      case .notAnEvent: return ledger.record(.notAnEvent)
      case .record: break
      }
      if let key = r.dedup {
        let hash = r.text.withUnsafeBufferPointer { ByteKeyTable.hash(UnsafeBufferPointer(rebasing: $0[key])) }
        switch dedup.insert(hash: hash, fingerprint: EventJoiner.fingerprint(r)) {
        case .inserted: break
        case .duplicate: return ledger.record(.duplicate)
        case .conflicting:
          target.findings.recordConflict(
            "\(file):\(r.line): \(dedupLabel(r.text[key])) repeats an earlier record with a different user, event, time or value")
          return ledger.record(.duplicate)
        }
      }
      if r.time >= joiner.asOf { return ledger.record(.afterAsOf) }
      let u: Int
      switch resolveUser(r, findings: &target.findings) {
      case .success(let user): u = Int(user)
      case .failure(let stop): return ledger.record(stop.fate)
      }
      if cohort.arm[u] == CohortTable.notAnalysed { return ledger.record(.userNotAnalysed) }
      if r.control {
        target.outcomes.platformControl[u] = true
        return ledger.record(.used)
      }
      guard let name = r.text.withUnsafeBufferPointer({ names.find(UnsafeBufferPointer(rebasing: $0[r.event])) }) else {
        return ledger.record(.eventNotMeasured)
      }
      try apply(r, meaning: meanings[Int(name)], user: u, target: &target)
    }

    /// The cohort user of a record, or the fate that stops it.
    private func resolveUser(_ r: SourceRecord, findings: inout JoinFindings) -> Result<Int32, FateError> {
      switch resolver.resolve(r) {
      case .direct(let range):
        let user = r.text.withUnsafeBufferPointer { cohort.ids.find(UnsafeBufferPointer(rebasing: $0[range])) }
        return user.map { .success($0) } ?? .failure(FateError(fate: .userNotInCohort))
      case .alias(let unit):
        return resolver.identities.user(ofUnit: unit).map { .success($0) } ?? .failure(FateError(fate: .userNotInCohort))
      case .ambiguous(let k, let range):
        if findings.wantsExample(of: .ambiguousIdentity) {
          findings.recordAmbiguous(
            "\(file):\(r.line): \(idField(k)) \(CohortLoader.quoted(r.text[range])) belongs to several units in the identities file")
        }
        return .failure(FateError(fate: .ambiguousIdentity))
      case .unresolved(let last):
        if findings.wantsExample(of: .unresolvedIdentity) {
          if let last {
            findings.recordUnresolved(
              "\(file):\(r.line): \(idField(last.field)) \(CohortLoader.quoted(r.text[last.range])) is not in the identities file")
          } else {
            findings.recordUnresolved(
              "\(file):\(r.line): only alias ids, and no identities file column for them")
          }
        }
        return .failure(FateError(fate: .unresolvedIdentity))
      }
    }

    /// A fate that ends a record's fold early.
    struct FateError: Error {
      let fate: Reconciliation.Fate
    }

    private func idField(_ k: Int) -> String { idFields[k] }

    /// A de-duplication key for messages: `event_id 'e1'`, or the fields and values of a
    /// composite key (`key (eventName, messageId, …) 'emailOpen|m1|…'`).
    private func dedupLabel(_ key: ArraySlice<UInt8>) -> String {
      var parts: [[UInt8]] = [[]]
      for byte in key {
        if byte == 0x1F || byte == 0x1E { parts.append([]) } else { parts[parts.count - 1].append(byte) }
      }
      let values = parts.dropLast().map { String(decoding: $0, as: UTF8.self) }
      let fields = SourceLayout(source, role: role).dedup.map { $0[0] }
      if fields.count == 1, let value = values.first {
        return "\(fields[0]) \(CohortLoader.quoted(Array(value.utf8)))"
      }
      return "key (\(fields.joined(separator: ", "))) \(CohortLoader.quoted(Array(values.joined(separator: "|").utf8)))"
    }

    /// Applies a resolved, analysed record of a measured event to the user's outcomes. A record
    /// whose value or cost would push a user's total past the bound is rejected whole, before
    /// anything is applied.
    private mutating func apply(_ r: SourceRecord, meaning: EventMeaning, user u: Int, target: inout Target)
      throws(IngestError)
    {
      let metrics = joiner.experiment.metrics
      let offset = r.time - cohort.entry[u]
      // Which metric windows the record falls in: true = post, false = pre-period, nil = none.
      func window(_ m: Int) -> Bool? {
        let metric = metrics[m]
        if offset >= metric.windowStart && offset < metric.windowEnd { return true }
        if offset < 0 && offset >= -metric.windowLength { return false }
        return nil
      }
      func userName() -> String {
        guard let first = r.ids.first(where: { $0 != nil }), let range = first else { return "?" }
        return CohortLoader.quoted(r.text[range])
      }
      var channel: Int32 = -1
      var messageCost: Int64 = 0
      if meaning.isExposure && offset >= 0 {
        channel = r.text.withUnsafeBufferPointer { text in
          if let range = r.channel { return target.channels.code(UnsafeBufferPointer(rebasing: text[range])) }
          return target.channels.code(prefixOf: UnsafeBufferPointer(rebasing: text[r.event]))
        }
        messageCost = cost(of: channel, channels: target.channels)
        let (total, overflow) = target.outcomes.spend[u].addingReportingOverflow(messageCost)
        if overflow || total.magnitude > UserOutcomes.maximumMagnitude {
          return try reject(
            .valueOutOfRange, line: r.line, "user \(userName())'s message cost would pass ±\(UserOutcomes.maximumUnits)")
        }
      }
      for m in meaning.metrics where metrics[m].kind == .count || metrics[m].kind == .revenue {
        guard let isPost = window(m) else { continue }
        let current = isPost ? target.outcomes.post[m][u] : target.outcomes.pre[m][u]
        let increment = metrics[m].kind == .count ? Decimal.scale : (r.value ?? 0)
        let (total, overflow) = current.addingReportingOverflow(increment)
        if overflow || total.magnitude > UserOutcomes.maximumMagnitude {
          return try reject(
            .valueOutOfRange, line: r.line,
            "user \(userName())'s total for '\(metrics[m].name)' would pass ±\(UserOutcomes.maximumUnits)")
        }
      }
      var used = false
      if meaning.isExposure && offset >= 0 {
        used = true
        target.outcomes.spend[u] += messageCost
        let current = target.outcomes.firstExposure[u]
        if r.time < current
          || (r.time == current && target.channels.precedes(channel, target.outcomes.exposureChannel[u]))
        {
          target.outcomes.firstExposure[u] = r.time
          target.outcomes.exposureChannel[u] = channel
        }
      } else if meaning.isExposure {
        target.findings.exposuresBeforeEntry += 1
      }
      var lacksValue = false
      for m in meaning.metrics {
        guard let isPost = window(m) else { continue }
        used = true
        let kind = metrics[m].kind
        let increment = kind == .revenue ? (r.value ?? 0) : Decimal.scale
        if kind == .revenue && r.value == nil { lacksValue = true }
        if isPost {
          Self.apply(increment, kind: kind, to: &target.outcomes.post[m][u])
        } else {
          Self.apply(increment, kind: kind, to: &target.outcomes.pre[m][u])
        }
      }
      if lacksValue { target.findings.revenueRowsWithoutValue += 1 }
      if meaning.isReturn && offset >= 0 && offset < survivalWindow {
        used = true
        target.outcomes.firstReturn[u] = min(target.outcomes.firstReturn[u], r.time)
      }
      ledger.record(used ? .used : .outsideWindows)
    }

    @inline(__always)
    private static func apply(_ increment: Int64, kind: MetricDefinition.Kind, to value: inout Int64) {
      switch kind {
      case .conversion, .retention: value = Decimal.scale
      case .count, .revenue: value += increment
      }
    }
  }
}
