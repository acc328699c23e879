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

  /// Creates a measurer.
  public init(experiment: ExperimentDefinition, asOf: Int64, strict: Bool = false) {
    self.experiment = experiment
    self.asOf = asOf
    self.strict = strict
  }

  /// Reads the inputs and computes the measurement.
  public func measure() throws(MeasurementError) -> Measurement {
    guard let inputs = experiment.inputs else {
      throw .missingForCommand(path: experiment.path, key: "inputs", command: "report")
    }
    let loader = CohortLoader(experiment: experiment, asOf: asOf, strict: strict)
    let (cohort, cohortLedger, split) = try loader.load(path: inputs.cohort)
    var outcomes = UserOutcomes(users: cohort.count, metrics: experiment.metrics.count)
    var channels = ChannelTable()
    var findings = JoinFindings()
    let joiner = EventJoiner(experiment: experiment, asOf: asOf, strict: strict)
    var files = [cohortLedger]
    if let messages = inputs.messages {
      files.append(
        try joiner.join(
          path: messages, role: .messages, cohort: cohort, outcomes: &outcomes,
          channels: &channels, findings: &findings))
    }
    files.append(
      try joiner.join(
        path: inputs.events, role: .events, cohort: cohort, outcomes: &outcomes,
        channels: &channels, findings: &findings))
    return reduce(
      cohort: cohort, outcomes: outcomes, channels: channels, files: files, split: split,
      findings: findings)
  }

  /// Reduces per-user outcomes to sufficient statistics. Order-independent: sums are exact.
  func reduce(
    cohort: CohortTable, outcomes: UserOutcomes, channels: ChannelTable, files: [Reconciliation],
    split: SplitCheck, findings: JoinFindings
  ) -> Measurement {
    let armCount = experiment.arms.count
    let metrics = experiment.metrics
    let caps = metrics.map { metric in metric.cap.map { Int64(($0 * 1_000_000).rounded()) } }
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
    var exposed = [Int](repeating: 0, count: armCount)
    var channelUsers = [[Int]](
      repeating: [Int](repeating: 0, count: armCount), count: channels.count)
    var firstEntry = Int64.max
    var lastEntry = Int64.min

    for u in 0..<cohort.count {
      let armValue = cohort.arm[u]
      guard armValue >= 0 else { continue }
      let arm = Int(armValue)
      users[arm] += 1
      let t0 = cohort.entry[u]
      firstEntry = min(firstEntry, t0)
      lastEntry = max(lastEntry, t0)
      if outcomes.firstExposure[u] != UserOutcomes.never {
        exposed[arm] += 1
        let channel = outcomes.exposureChannel[u]
        if channel >= 0 { channelUsers[Int(channel)][arm] += 1 }
      }
      for k in 0..<segmentCount {
        segmentUsers[k][Int(cohort.segmentCodes[k][u])][arm] += 1
      }
      for m in metrics.indices {
        let windowClosed = t0 + metrics[m].windowEnd <= asOf
        if !windowClosed {
          open[m][arm] += 1
          continue
        }
        var x = outcomes.post[m][u]
        var pre = outcomes.pre[m][u]
        if let cap = caps[m] {
          x = min(x, cap)
          pre = min(pre, cap)
        }
        sums[m][arm].add(x, pre: pre)
        for k in 0..<segmentCount {
          segmentSums[k][Int(cohort.segmentCodes[k][u])][m][arm].add(x, pre: pre)
        }
      }
    }

    let measured = metrics.indices.map { m in
      Measurement.Metric(
        definition: metrics[m], arms: sums[m].map { $0.moments() }, openWindows: open[m])
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
      isMeasured: experiment.inputs?.messages != nil, exposed: exposed, channels: channelList)
    return Measurement(
      experiment: experiment, asOf: asOf, users: users,
      entryRange: firstEntry <= lastEntry ? (firstEntry, lastEntry) : nil, metrics: measured,
      segments: segments, exposure: exposure, files: files, split: split, findings: findings)
  }
}
