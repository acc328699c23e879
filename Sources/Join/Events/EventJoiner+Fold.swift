import Experiment
import Ingest
import MeasurementModel
import Platforms

extension EventJoiner {
  /// The fold of one source's records into the join target.
  package struct Fold {
    package let joiner: EventJoiner
    package let source: SourceSpec
    package let role: Role
    package let cohort: CohortTable
    package var ledger: Reconciliation
    /// The resolver of this fold's records, asked for the words of conflict and identity
    /// messages (`dedupLabel`, `identityDetail`).
    package let recordResolver: RecordResolver
    private let names: ByteKeyTable
    private var channelCosts: [Int64] = []
    private let survivalWindow: Int64
    /// Each metric's window relative to entry, in microseconds, and its kind.
    private let windows: [Window]
    /// Per event meaning: bit 0 exposure, bit 1 return event.
    private let meaningFlags: [UInt8]
    /// Per event meaning: its metrics, as a range of `meaningMetrics` (flat, so the per-record
    /// path copies no array: copying an `EventMeaning` retains and releases its list).
    private let meaningRanges: [Range<Int>]
    private let meaningMetrics: [Int]

    package struct Window {
      package var start: Int64
      package var end: Int64
      package var length: Int64
      package var kind: MetricDefinition.Kind
      /// Count and revenue metrics add up (and are bounded); the others are 0 or 1.
      package var additive: Bool { kind == .count || kind == .revenue }
    }
    private var file: String
    private let layoutControl: [SourceLayout.ControlMarker]
    /// What `touch` read, kept so the reads are not optimised away.
    private(set) var touched: UInt64 = 0

    /// Times after this are implausible (`EventJoiner.futureLimit`, computed once).
    private let futureLimit: Int64

    package init(
      joiner: EventJoiner, source: SourceSpec, role: Role, cohort: CohortTable, resolver: IdentityResolver,
      layout: SourceLayout
    ) {
      self.joiner = joiner
      self.source = source
      self.role = role
      self.cohort = cohort
      ledger = Reconciliation(role: role.rawValue, path: source.path)
      ledger.format = source.format.rawValue
      file = Reconciliation.fileName(source.path)
      layoutControl = layout.control
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
      var names = ByteKeyTable(capacity: 64)
      var meanings: [EventMeaning] = []
      for (name, meaning) in byName {
        let id = Int(names.intern(name))
        if id == meanings.count { meanings.append(meaning) } else { meanings[id].merge(meaning) }
      }
      self.names = names
      meaningFlags = meanings.map { ($0.isExposure ? 1 : 0) | ($0.isReturn ? 2 : 0) }
      var ranges: [Range<Int>] = [], flat: [Int] = []
      for meaning in meanings {
        ranges.append(flat.count..<(flat.count + meaning.metrics.count))
        flat += meaning.metrics
      }
      meaningRanges = ranges
      meaningMetrics = flat
      futureLimit = joiner.futureLimit
      windows = experiment.metrics.map {
        Window(start: $0.windowStart, end: $0.windowEnd, length: $0.windowLength, kind: $0.kind)
      }
      recordResolver = RecordResolver(
        cohort: cohort, resolver: resolver, idFields: layout.ids.map(\.field),
        dedupFields: layout.dedup.map { $0[0] }, names: names, exposures: meanings.map(\.isExposure))
    }

    private mutating func cost(of channel: Int32, channels: ChannelTable) -> Int64 {
      guard channel >= 0 else { return 0 }
      while channelCosts.count <= Int(channel) {
        let name = channels.name(Int32(channelCosts.count))
        let cost = joiner.experiment.costs.first { $0.channel == name }?.cost ?? 0
        channelCosts.append(Decimal.micros(cost))
      }
      return channelCosts[Int(channel)]
    }

    /// True when a record of event `name` can matter to this experiment: a metric's, exposure's or
    /// return event's name (or a renamed one), or a holdout marker of the format.
    package func wants(event name: String) -> Bool {
      names.find(name) != nil || layoutControl.contains { $0.event.matches(Array(name.utf8)) }
    }

    /// Starts the account of `file`, the next file of the source, and returns the account of
    /// the file before it (for a folder or pattern source, each file has its own).
    package mutating func startFile(_ file: FileTree.File, name: String, source treePath: String?) -> Reconciliation {
      let done = ledger
      // A single file keeps this experiment's own spelling of its path.
      ledger = Reconciliation(role: role.rawValue, path: treePath == nil ? source.path : file.path)
      ledger.format = source.format.rawValue
      ledger.name = name
      ledger.source = treePath
      self.file = name
      return done
    }

    /// Stops the run on a rejected row under `--strict`.
    private func stopIfStrict(line: Int, _ detail: String) throws(IngestError) {
      if joiner.strict { throw .strictRejection(path: ledger.path, line: line, reason: detail) }
    }

    /// Folds a batch of parsed records, in order, into the join target.
    package mutating func consume(_ batch: ParsedBatch, target: inout Target) throws(IngestError) {
      try consume(batch, records: 0..<batch.records.count, target: &target)
    }

    /// Folds the records `range` of a batch (one file's, when a batch holds several small files).
    package mutating func consume(_ batch: ParsedBatch, records range: Range<Int>, target: inout Target) throws(IngestError) {
      if let failure = batch.failure { throw failure }
      let offset = batch.linesBefore
      let records = batch.records
      let group = 16
      var start = range.lowerBound
      while start < range.upperBound {
        let end = min(start + group, range.upperBound)
        touch(records[start..<end], target: target)
        for k in start..<end {
          try take(records[k], batch: batch, line: Int(records[k].line) + offset, target: &target)
        }
        start = end
      }
    }

    /// Reads the per-user state each record of a group will update, in one tight loop, so that
    /// their cache misses overlap before the records are folded one by one. Only a hint: nothing
    /// read here decides anything.
    private mutating func touch(_ group: ArraySlice<ParsedRecord>, target: Target) {
      var sink: UInt64 = 0
      for p in group where p.kind == .record {
        if p.identity == .user && p.user >= 0 && p.analysed && p.meaning >= 0 {
          let u = Int(p.user)
          sink ^= target.outcomes.touch(u)
        }
      }
      touched ^= sink
    }

    /// One record's fate, decided in order: rejected, not an event, duplicate, after as_of,
    /// identity, cohort, analysed, holdout marker, measured event, then the windows.
    private mutating func take(
      _ p: ParsedRecord, batch: ParsedBatch, line: Int, target: inout Target
    ) throws(IngestError) {
      switch p.kind {
      case .rejected:
        let rejection = batch.rejections[Int(p.note)]
        batch.withBytes(rejection.user) { ledger.reject(p.reason, line: line, detail: rejection.detail, user: $0) }
        return try stopIfStrict(line: line, rejection.detail)
      case .notAnEvent: return ledger.record(.notAnEvent)
      case .record: break
      }
      if p.hasDedup {
        switch p.dedupResult {
        case .inserted: break
        case .duplicate: return ledger.record(.duplicate)
        case .conflicting:
          let key = batch.text[Int(p.keyStart)..<Int(p.keyStart + p.keyLength)]
          target.findings.recordConflict(file: file, line: line) {
            "\(recordResolver.dedupLabel(key)) repeats an earlier record with a different user, event, time or value"
          }
          return ledger.record(.duplicate)
        }
      }
      if p.time < JoinFindings.timeFloor { target.findings.timesBeforeFloor += 1 }
      if p.time > futureLimit { target.findings.timesFarAfterAsOf += 1 }
      if p.time >= joiner.asOf { return ledger.record(.afterAsOf) }
      switch p.identity {
      case .user: break
      case .notInCohort: return ledger.record(.userNotInCohort)
      case .unresolved, .ambiguous:
        let fate: Reconciliation.Fate = p.identity == .ambiguous ? .ambiguousIdentity : .unresolvedIdentity
        let note = batch.aliases[Int(p.note)]
        batch.withBytes(note.value) { alias in
          target.findings.offerIdentityExample(fate, alias: alias, file: file, line: line) {
            recordResolver.identityDetail(note, ambiguous: fate == .ambiguousIdentity, in: batch)
          }
        }
        return ledger.record(fate)
      }
      let u = Int(p.user)
      if !p.analysed { return ledger.record(.userNotAnalysed) }
      if p.control {
        target.outcomes.markPlatformControl(u)
        return ledger.record(.used)
      }
      guard p.meaning >= 0 else { return ledger.record(.eventNotMeasured) }
      try apply(p, batch: batch, line: line, meaning: Int(p.meaning), user: u, target: &target)
    }

    /// Applies a resolved, analysed record of a measured event to the user's outcomes. A record
    /// whose value or cost would push a user's total past the bound is rejected whole, before
    /// anything is applied.
    private mutating func apply(
      _ r: ParsedRecord, batch: ParsedBatch, line: Int, meaning index: Int, user u: Int, target: inout Target
    ) throws(IngestError) {
      let isExposure = meaningFlags[index] & 1 != 0, isReturn = meaningFlags[index] & 2 != 0
      let metricRange = meaningRanges[index]
      let offset = r.sinceEntry
      let value: Int64? = r.hasValue ? r.value : nil
      // Which metric windows the record falls in: true = post, false = pre-period, nil = none.
      let windows = self.windows
      func window(_ m: Int) -> Bool? {
        let w = windows[m]
        if offset >= w.start && offset < w.end { return true }
        if offset < 0 && offset >= -w.length { return false }
        return nil
      }
      func userName() -> String { VisibleText.quoted(Array(cohort.ids.string(Int32(u)).utf8)) }
      func reject(_ detail: String) throws(IngestError) {
        target.findings.totalsPastBound += 1
        cohort.ids.withKey(Int32(u)) { ledger.reject(.valueOutOfRange, line: line, detail: detail, user: $0) }
        try stopIfStrict(line: line, detail)
      }
      var channel: Int32 = -1
      var messageCost: Int64 = 0
      if isExposure && offset >= 0 {
        if r.channelLength > 0 {
          channel = batch.text.withUnsafeBufferPointer { text in
            target.channels.code(
              UnsafeBufferPointer(rebasing: text[Int(r.channelStart)..<Int(r.channelStart + r.channelLength)]))
          }
        }
        messageCost = cost(of: channel, channels: target.channels)
        let (total, overflow) = target.outcomes.spend(u).addingReportingOverflow(messageCost)
        if overflow || total.magnitude > MeasurementLimits.maximumMagnitude {
          return try reject("user \(userName())'s message cost would pass ±\(MeasurementLimits.maximumUnits)")
        }
      }
      for j in metricRange {
        let m = meaningMetrics[j]
        guard windows[m].additive else { continue }
        guard let isPost = window(m) else { continue }
        let current = isPost ? target.outcomes.post(m, u) : target.outcomes.pre(m, u)
        let increment = windows[m].kind == .count ? Decimal.scale : (value ?? 0)
        let (total, overflow) = current.addingReportingOverflow(increment)
        if overflow || total.magnitude > MeasurementLimits.maximumMagnitude {
          return try reject(
            "user \(userName())'s total for '\(joiner.experiment.metrics[m].name)' would pass ±\(MeasurementLimits.maximumUnits)")
        }
      }
      var used = false
      if isExposure && offset >= 0 {
        used = true
        target.findings.exposuresAfterEntry += 1
        target.outcomes.addSpend(u, messageCost)
        let current = target.outcomes.firstExposure(u)
        if r.time < current
          || (r.time == current && target.channels.precedes(channel, target.outcomes.exposureChannel(u)))
        {
          target.outcomes.setFirstExposure(u, at: r.time, channel: channel)
        }
      } else if isExposure {
        target.findings.exposuresBeforeEntry += 1
      }
      var lacksValue = false
      for j in metricRange {
        let m = meaningMetrics[j]
        guard let isPost = window(m) else { continue }
        used = true
        let kind = windows[m].kind
        let increment = kind == .revenue ? (value ?? 0) : Decimal.scale
        if kind == .revenue && value == nil { lacksValue = true }
        target.outcomes.record(increment, metric: m, user: u, pre: !isPost)
      }
      if lacksValue { target.findings.revenueRowsWithoutValue += 1 }
      if isReturn && offset >= 0 && offset < survivalWindow {
        used = true
        target.outcomes.noteReturn(u, at: r.time)
      }
      ledger.record(used ? .used : .outsideWindows)
    }

  }
}
