import Dispatch
import Experiment
import Ingest
import Statistics
import MeasurementModel
import Join

/// Runs the measurement stage: reads the cohort, joins messages and events, and reduces the
/// per-user outcomes to per-arm and per-segment sufficient statistics.
public struct Measurer: Sendable {
  /// What the join reads and how: the experiment, the analysis cutoff, strictness, threads, chunk
  /// size and progress (`SharedJoin` joins several at once).
  public var joinRequest: JoinRequest

  /// The experiment.
  public var experiment: ExperimentDefinition { joinRequest.experiment }
  /// The analysis cutoff (exclusive): rows at or after it are ignored and counted.
  public var asOf: Int64 { joinRequest.asOf }
  /// When true, the first rejected row stops the run with `file:line: reason`.
  public var strict: Bool { joinRequest.strict }
  /// Threads that parse input chunks and reduce; the result is identical for any number.
  public var threads: Int {
    get { joinRequest.threads }
    set { joinRequest.threads = max(1, newValue) }
  }
  /// Bytes per parsing chunk (tests use tiny chunks to put boundaries everywhere).
  public var chunkSize: Int {
    get { joinRequest.chunkSize }
    set { joinRequest.chunkSize = newValue }
  }
  /// Whether unneeded folder files are pruned unopened (`JoinRequest.prunes`).
  package var prunes: Bool {
    get { joinRequest.prunes }
    set { joinRequest.prunes = newValue }
  }
  /// Called now and then with what the measurement is doing (phase, input, bytes read).
  public var progress: (@Sendable (MeasurementProgress) -> Void)? {
    get { joinRequest.progress }
    set { joinRequest.progress = newValue }
  }

  /// Creates a measurer.
  public init(experiment: ExperimentDefinition, asOf: Int64, strict: Bool = false, threads: Int = 1) {
    joinRequest = JoinRequest(experiment: experiment, asOf: asOf, strict: strict, threads: threads)
  }

  /// Reads the inputs and computes the measurement.
  public func measure() throws(MeasurementError) -> Measurement {
    measurement(of: try join())
  }

  /// Reads the cohort, the identities and every message and event file into per-user outcomes,
  /// before any reduction (`measurement(of:)`, `history(of:cutoffs:)`).
  public func join() throws(MeasurementError) -> JoinedInputs {
    try SharedJoin([joinRequest]).inputs[0]
  }


  /// The measurement as of `asOf` from joined inputs.
  public func measurement(of joined: JoinedInputs) -> Measurement {
    reduce(
      cohort: joined.cohort, outcomes: joined.outcomes, channels: joined.channels, files: joined.files,
      split: joined.split, findings: joined.findings)
  }

  /// Reduces per-user outcomes to sufficient statistics. Order-independent: sums are exact.
  package func reduce(
    cohort: CohortTable, outcomes: UserOutcomes, channels: ChannelTable, files: [Reconciliation],
    split: SplitCheck, findings: JoinFindings
  ) -> Measurement {
    let armCount = experiment.arms.count
    let metrics = experiment.metrics
    let caps = metrics.indices.map { m in
      Self.fixedCap(metrics[m])
        ?? metrics[m].capPercentile.map { percentileCap(m, level: $0, cohort: cohort, outcomes: outcomes) }
    }
    // The per-user pass, over two halves of the users at once when there are threads to spare:
    // every sum is an exact integer and the survival lists are joined in user order, so the
    // merged tally is the one a single pass gives.
    let shape = Tally.Shape(
      arms: armCount, metrics: metrics.count, segmentValues: cohort.segmentValues.map(\.count),
      channels: channels.count, measuresSurvival: !experiment.returnEvents.isEmpty)
    let context = Tally.Context(
      cohort: cohort, outcomes: outcomes, caps: caps, windowEnds: metrics.map(\.windowEnd), asOf: asOf,
      survivalWindow: MetricDefinition.micros(days: experiment.analysis.survivalDays), survivalStep: experiment.survivalStep)
    var tally = Tally(shape)
    if threads > 1 && cohort.count > 1 {
      let middle = cohort.count / 2
      let halves = Locked([Tally?](repeating: nil, count: 2))
      DispatchQueue.concurrentPerform(iterations: 2) { half in
        var part = Tally(shape)
        part.add(users: half == 0 ? 0..<middle : middle..<cohort.count, context)
        halves.withLock { $0[half] = part }
      }
      let parts = halves.withLock { $0 }
      tally = parts[0]!
      tally.merge(parts[1]!)
    } else {
      tally.add(users: 0..<cohort.count, context)
    }
    let segmentCount = experiment.segments.count

    let measured = metrics.indices.map { m in
      Measurement.Metric(
        definition: metrics[m], arms: tally.sums[m].map { $0.moments() }, openWindows: tally.open[m],
        exposedArms: tally.exposedSums[m].map { $0.moments() },
        spend: tally.spend[m].map(Decimal.units),
        appliedCap: caps[m].map(Decimal.units))
    }
    let segments = (0..<segmentCount).map { k in
      let values = (0..<shape.segmentValues[k]).map { code in
        Measurement.SegmentValue(
          value: cohort.segmentValues[k].string(Int32(code)), users: tally.segmentUsers[k][code],
          metrics: tally.segmentSums[k][code].map { $0.map { $0.moments() } })
      }
      return Measurement.Segment(
        column: experiment.segments[k], values: values.sorted { $0.value < $1.value })
    }
    let channelList = (0..<channels.count).map { c in
      (name: channels.name(Int32(c)), users: tally.channelUsers[c])
    }.sorted { $0.name < $1.name }
    let exposure = Measurement.Exposure(
      isMeasured: experiment.inputs?.messages.isEmpty == false, exposed: tally.exposed, channels: channelList)
    let survival = shape.measuresSurvival
      ? Measurement.Survival(
        events: experiment.returnEvents, days: experiment.analysis.survivalDays,
        times: tally.survivalTimes, returned: tally.survivalEvents)
      : nil
    return Measurement(
      experiment: experiment, asOf: asOf, users: tally.users, survival: survival,
      entryRange: tally.firstEntry <= tally.lastEntry ? (tally.firstEntry, tally.lastEntry) : nil, metrics: measured,
      segments: segments, exposure: exposure, files: files, split: split, findings: findings)
  }

  package static let microsPerDay = 86_400_000_000.0

  /// The per-user cap at percentile `level` of metric `m`'s values over the users it measures
  /// (analysed, window elapsed), pooled across arms: linear interpolation between order
  /// statistics (type 7, as SQL's PERCENTILE_CONT and numpy's default), rounded to a micro-unit.
  /// Pooling keeps the cap blind to the arm, so capping cannot manufacture an effect.
  package func percentileCap(_ m: Int, level: Double, cohort: CohortTable, outcomes: UserOutcomes) -> Int64 {
    let metric = experiment.metrics[m]
    var values: [Int64] = []
    for u in 0..<cohort.count where cohort.arm[u] >= 0 && cohort.entry[u] + metric.windowEnd <= asOf {
      values.append(outcomes.post(m, u))
    }
    values.sort()
    return Self.percentile(sorted: values, level: level)
  }

  /// A metric's fixed cap in micro-units, or nil (no cap, or a pooled percentile cap instead).
  package static func fixedCap(_ metric: MetricDefinition) -> Int64? {
    metric.cap.map(Decimal.micros)
  }

  /// Type-7 percentile of ascending `values` at `level`, rounded to a micro-unit:
  /// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) with h = level·(n − 1). With no values the cap is the
  /// per-user bound (nothing is capped).
  package static func percentile(sorted values: [Int64], level: Double) -> Int64 {
    guard !values.isEmpty else { return Int64(MeasurementLimits.maximumMagnitude) }
    let position = level * Double(values.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, values.count - 1)
    let fraction = position - Double(lower)
    let value = Double(values[lower]) + fraction * Double(values[upper] - values[lower])
    return Int64(value.rounded())
  }
}
