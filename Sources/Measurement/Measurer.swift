import Experiment
import Ingest
import Statistics

/// Runs the measurement stage: reads the cohort, joins messages and events, and reduces the
/// per-user outcomes to per-arm and per-segment sufficient statistics.
public struct Measurer: Sendable {
  /// The experiment.
  public let experiment: ExperimentDefinition
  /// The analysis cutoff (exclusive): rows at or after it are ignored and counted.
  public let asOf: Int64
  /// When true, the first rejected row stops the run with `file:line: reason`.
  public let strict: Bool
  /// Threads that parse input chunks; the result is identical for any number (1 is the
  /// reference order).
  public var threads = 1
  /// Bytes per parsing chunk (tests use tiny chunks to put boundaries everywhere). 512 KiB:
  /// see `EventJoiner.chunksPerThread`.
  public var chunkSize = 1 << 19
  /// Called now and then with what the measurement is doing (phase, input, bytes read).
  public var progress: (@Sendable (MeasurementProgress) -> Void)? = nil

  /// Creates a measurer.
  public init(experiment: ExperimentDefinition, asOf: Int64, strict: Bool = false, threads: Int = 1) {
    self.experiment = experiment
    self.asOf = asOf
    self.strict = strict
    self.threads = max(1, threads)
  }

  /// Reads the inputs and computes the measurement.
  public func measure() throws(MeasurementError) -> Measurement {
    measurement(of: try join())
  }

  /// Reads the cohort, the identities and every message and event file into per-user outcomes,
  /// before any reduction (`measurement(of:)`, `history(of:cutoffs:)`).
  public func join() throws(MeasurementError) -> JoinedInputs {
    try SharedJoin([self]).inputs[0]
  }

  /// The join before its sources are read: the cohort and identities loaded, the outcomes empty,
  /// the sources listed in reading order (`SharedJoin`).
  func startJoin() throws(MeasurementError) -> SharedJoin.State {
    guard let inputs = experiment.inputs else {
      throw .experiment(.missingForCommand(path: experiment.path, key: "inputs", command: "report"))
    }
    progress?(.cohort(path: inputs.cohort))
    var loader = CohortLoader(experiment: experiment, asOf: asOf, strict: strict)
    loader.threads = threads
    loader.chunkSize = chunkSize
    let (cohort, cohortLedger, split) = try loader.load(path: inputs.cohort)
    var files = [cohortLedger]
    var identities = IdentityTable()
    var target = EventJoiner.Target(
      outcomes: UserOutcomes(
        users: cohort.count, additive: experiment.metrics.map { $0.kind == .count || $0.kind == .revenue }))
    if let spec = inputs.identities {
      let (table, ledger) = try IdentityTable.load(spec, cohort: cohort, strict: strict)
      identities = table
      files.append(ledger)
      target.findings.identityCollisions = table.collisions
      target.findings.collisionList = table.collisionExamples
    }
    var joiner = EventJoiner(experiment: experiment, asOf: asOf, strict: strict)
    joiner.threads = threads
    joiner.chunkSize = chunkSize
    let steps = inputs.messages.map { (role: EventJoiner.Role.messages, source: $0) }
      + inputs.events.map { (role: EventJoiner.Role.events, source: $0) }
    return SharedJoin.State(
      joiner: joiner, cohort: cohort, identities: identities, target: target, files: files, split: split,
      steps: steps)
  }

  /// The joined inputs once every source of `state` is read.
  func finishJoin(_ state: SharedJoin.State) -> JoinedInputs {
    progress?(.statistics)
    var findings = state.target.findings
    findings.platformControl = platformControlCheck(cohort: state.cohort, outcomes: state.target.outcomes)
    // The user ids were needed to resolve rows and name users in examples, both done now; the
    // reduction needs arms, entries and segments only. Dropping the id table (~70 bytes a user)
    // before the statistics lowers the peak memory, which comes there.
    var reduced = state.cohort
    reduced.ids = ByteKeyTable(capacity: 0)
    return JoinedInputs(
      asOf: asOf, cohort: reduced, outcomes: state.target.outcomes, channels: state.target.channels,
      files: state.files, split: state.split, findings: findings)
  }

  /// The measurement as of `asOf` from joined inputs.
  public func measurement(of joined: JoinedInputs) -> Measurement {
    reduce(
      cohort: joined.cohort, outcomes: joined.outcomes, channels: joined.channels, files: joined.files,
      split: joined.split, findings: joined.findings)
  }

  /// Compares the platform's holdout markers with the analysed arms.
  func platformControlCheck(cohort: CohortTable, outcomes: UserOutcomes) -> PlatformControlCheck {
    var check = PlatformControlCheck()
    let control = experiment.arms.firstIndex { $0.isControl } ?? 0
    for u in 0..<cohort.count where outcomes.platformControl(u) && cohort.arm[u] >= 0 {
      check.marked += 1
      if Int(cohort.arm[u]) == control {
        check.inControlArm += 1
      } else {
        check.inTreatmentArms += 1
        cohort.ids.withKey(Int32(u)) { id in
          check.exampleList.offer(user: id) {
            "\(cohort.ids.string(Int32(u))) (\(experiment.arms[Int(cohort.arm[u])].name))"
          }
        }
      }
    }
    return check
  }

  /// Reduces per-user outcomes to sufficient statistics. Order-independent: sums are exact.
  func reduce(
    cohort: CohortTable, outcomes: UserOutcomes, channels: ChannelTable, files: [Reconciliation],
    split: SplitCheck, findings: JoinFindings
  ) -> Measurement {
    let armCount = experiment.arms.count
    let metrics = experiment.metrics
    let caps = metrics.indices.map { m in
      Self.fixedCap(metrics[m])
        ?? metrics[m].capPercentile.map { percentileCap(m, level: $0, cohort: cohort, outcomes: outcomes) }
    }
    var users = [Int](repeating: 0, count: armCount)
    var sums = [[ExactSums]](
      repeating: [ExactSums](repeating: ExactSums(), count: armCount), count: metrics.count)
    var open = [[Int]](repeating: [Int](repeating: 0, count: armCount), count: metrics.count)
    let segmentCount = experiment.segments.count
    let valueCounts = cohort.segmentValues.map(\.count)
    var segmentUsers = (0..<segmentCount).map { k in
      [[Int]](repeating: [Int](repeating: 0, count: armCount), count: valueCounts[k])
    }
    var segmentSums = (0..<segmentCount).map { k in
      [[[ExactSums]]](
        repeating: [[ExactSums]](
          repeating: [ExactSums](repeating: ExactSums(), count: armCount), count: metrics.count),
        count: valueCounts[k])
    }
    var exposedSums = sums
    var spend = [[Int128]](repeating: [Int128](repeating: 0, count: armCount), count: metrics.count)
    let survivalWindow = MetricDefinition.micros(days: experiment.analysis.survivalDays)
    let measuresSurvival = !experiment.returnEvents.isEmpty
    var survivalTimes = [[Double]](repeating: [], count: armCount)
    var survivalEvents = [[Bool]](repeating: [], count: armCount)
    var exposed = [Int](repeating: 0, count: armCount)
    var channelUsers = [[Int]](
      repeating: [Int](repeating: 0, count: armCount), count: channels.count)
    var firstEntry = Int64.max
    var lastEntry = Int64.min

    // Window ends as plain integers: reading them from `metrics[m]` per user would copy the
    // definition (with its strings) a million times.
    let windowEnds = metrics.map(\.windowEnd)
    for u in 0..<cohort.count {
      let armValue = cohort.arm[u]
      guard armValue >= 0 else { continue }
      let arm = Int(armValue)
      users[arm] += 1
      let t0 = cohort.entry[u]
      firstEntry = min(firstEntry, t0)
      lastEntry = max(lastEntry, t0)
      let isExposed = outcomes.firstExposure(u) != UserOutcomes.never
      if measuresSurvival {
        let followUp = min(asOf - t0, survivalWindow)
        let returned = outcomes.firstReturn(u)
        let isEvent = returned != UserOutcomes.never && returned - t0 <= followUp
        survivalTimes[arm].append(Double(isEvent ? returned - t0 : followUp) / Self.microsPerDay)
        survivalEvents[arm].append(isEvent)
      }
      if isExposed {
        exposed[arm] += 1
        let channel = outcomes.exposureChannel(u)
        if channel >= 0 { channelUsers[Int(channel)][arm] += 1 }
      }
      for k in 0..<segmentCount {
        segmentUsers[k][Int(cohort.segmentCodes[k][u])][arm] += 1
      }
      for m in metrics.indices {
        let windowClosed = t0 + windowEnds[m] <= asOf
        if !windowClosed {
          open[m][arm] += 1
          continue
        }
        var x = outcomes.post(m, u)
        var pre = outcomes.pre(m, u)
        if let cap = caps[m] {
          x = min(x, cap)
          pre = min(pre, cap)
        }
        sums[m][arm].add(x, pre: pre)
        if isExposed { exposedSums[m][arm].add(x, pre: pre) }
        spend[m][arm] += Int128(outcomes.spend(u))
        for k in 0..<segmentCount {
          segmentSums[k][Int(cohort.segmentCodes[k][u])][m][arm].add(x, pre: pre)
        }
      }
    }

    let measured = metrics.indices.map { m in
      Measurement.Metric(
        definition: metrics[m], arms: sums[m].map { $0.moments() }, openWindows: open[m],
        exposedArms: exposedSums[m].map { $0.moments() },
        spend: spend[m].map { Double($0) / Double(Decimal.scale) },
        appliedCap: caps[m].map { Double($0) / Double(Decimal.scale) })
    }
    let segments = (0..<segmentCount).map { k in
      let values = (0..<valueCounts[k]).map { code in
        Measurement.SegmentValue(
          value: cohort.segmentValues[k].string(Int32(code)), users: segmentUsers[k][code],
          metrics: segmentSums[k][code].map { $0.map { $0.moments() } })
      }
      return Measurement.Segment(
        column: experiment.segments[k], values: values.sorted { $0.value < $1.value })
    }
    let channelList = (0..<channels.count).map { c in
      (name: channels.name(Int32(c)), users: channelUsers[c])
    }.sorted { $0.name < $1.name }
    let exposure = Measurement.Exposure(
      isMeasured: experiment.inputs?.messages.isEmpty == false, exposed: exposed, channels: channelList)
    let survival = measuresSurvival
      ? Measurement.Survival(
        events: experiment.returnEvents, days: experiment.analysis.survivalDays,
        times: survivalTimes, returned: survivalEvents)
      : nil
    return Measurement(
      experiment: experiment, asOf: asOf, users: users, survival: survival,
      entryRange: firstEntry <= lastEntry ? (firstEntry, lastEntry) : nil, metrics: measured,
      segments: segments, exposure: exposure, files: files, split: split, findings: findings)
  }

  static let microsPerDay = 86_400_000_000.0

  /// The per-user cap at percentile `level` of metric `m`'s values over the users it measures
  /// (analysed, window elapsed), pooled across arms: linear interpolation between order
  /// statistics (type 7, as SQL's PERCENTILE_CONT and numpy's default), rounded to a micro-unit.
  /// Pooling keeps the cap blind to the arm, so capping cannot manufacture an effect.
  func percentileCap(_ m: Int, level: Double, cohort: CohortTable, outcomes: UserOutcomes) -> Int64 {
    let metric = experiment.metrics[m]
    var values: [Int64] = []
    for u in 0..<cohort.count where cohort.arm[u] >= 0 && cohort.entry[u] + metric.windowEnd <= asOf {
      values.append(outcomes.post(m, u))
    }
    values.sort()
    return Self.percentile(sorted: values, level: level)
  }

  /// A metric's fixed cap in micro-units, or nil (no cap, or a pooled percentile cap instead).
  static func fixedCap(_ metric: MetricDefinition) -> Int64? {
    metric.cap.map { Int64(($0 * Double(Decimal.scale)).rounded()) }
  }

  /// Type-7 percentile of ascending `values` at `level`, rounded to a micro-unit:
  /// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) with h = level·(n − 1). With no values the cap is the
  /// per-user bound (nothing is capped).
  static func percentile(sorted values: [Int64], level: Double) -> Int64 {
    guard !values.isEmpty else { return Int64(UserOutcomes.maximumMagnitude) }
    let position = level * Double(values.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, values.count - 1)
    let fraction = position - Double(lower)
    let value = Double(values[lower]) + fraction * Double(values[upper] - values[lower])
    return Int64(value.rounded())
  }
}
