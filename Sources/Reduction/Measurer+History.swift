import Experiment
import Ingest
import Statistics
import MeasurementModel
import Join

extension Measurer {
  /// The measurements as of each of `cutoffs` (ascending, each before `asOf`), derived from one
  /// read of the inputs instead of one read per cutoff, for the weekly history. Nil when a row
  /// was rejected for pushing a user's total past the per-user bound (`JoinedInputs
  /// .hasBoundRejections`): then each cutoff must be measured afresh (`Measurer(asOf: cutoff)`).
  ///
  /// Why one read gives what a read at cutoff c would: de-duplication and identity resolution
  /// look at every row whatever its time, so they decide the same; a user is analysed at c when
  /// analysed at `asOf` and t0 < c; metric m measures the analysed users whose window has closed,
  /// t0 + end(m) ≤ c, and every row in their window and pre-period is dated before c, so their
  /// values are the final ones; the other analysed users are the open windows. Fixed caps are
  /// the same; a pooled percentile cap is recomputed over the users measured at c.
  ///
  /// The result is a history-only measurement: users, and per metric the arm statistics, open
  /// windows and applied cap, everything the weekly rows read. It has no segments, survival,
  /// exposure, spend, files or findings (those belong to the report as of `asOf`).
  ///
  /// Cost: one pass over the users for the metrics without a percentile cap (each user's sums are
  /// added to the week their window closes in, then accumulated week by week), and one pass per
  /// cutoff over the measured users of each percentile-capped metric.
  public func history(of joined: JoinedInputs, cutoffs: [Int64]) -> [Measurement]? {
    guard !joined.hasBoundRejections, joined.asOf == asOf, cutoffs.allSatisfy({ $0 < asOf }),
      zip(cutoffs, cutoffs.dropFirst()).allSatisfy({ $0 < $1 })
    else { return nil }
    let weeks = cutoffs.count
    let armCount = experiment.arms.count
    let metrics = experiment.metrics
    let cohort = joined.cohort, outcomes = joined.outcomes
    let windowEnds = metrics.map(\.windowEnd)
    let fixedCaps = metrics.map(Self.fixedCap)
    let isPooled = metrics.indices.map { fixedCaps[$0] == nil && metrics[$0].capPercentile != nil }

    /// The first week whose cutoff is strictly after `t` (t < cutoffs[k]), or `weeks`.
    func firstWeek(after t: Int64) -> Int {
      var low = 0, high = weeks
      while low < high {
        let mid = (low + high) / 2
        if cutoffs[mid] > t { high = mid } else { low = mid + 1 }
      }
      return low
    }

    // Per week: the users who enter it and the sums of the users whose window closes in it.
    var entering = [[Int]](repeating: [Int](repeating: 0, count: armCount), count: weeks)
    var closing = [[[ExactSums]]](
      repeating: [[ExactSums]](repeating: [ExactSums](repeating: ExactSums(), count: armCount), count: weeks),
      count: metrics.count)
    var closingUsers = [[[Int32]]](repeating: [[Int32]](repeating: [], count: weeks), count: metrics.count)
    var weekFirst = [Int64](repeating: .max, count: weeks), weekLast = [Int64](repeating: .min, count: weeks)
    for u in 0..<cohort.count {
      let armValue = cohort.arm[u]
      guard armValue >= 0 else { continue }
      let arm = Int(armValue)
      let t0 = cohort.entry[u]
      let entered = firstWeek(after: t0)
      guard entered < weeks else { continue }
      entering[entered][arm] += 1
      weekFirst[entered] = min(weekFirst[entered], t0)
      weekLast[entered] = max(weekLast[entered], t0)
      for m in metrics.indices {
        // Closed at c when t0 + end ≤ c, i.e. the first cutoff after t0 + end − 1.
        let closed = max(entered, firstWeek(after: t0 + windowEnds[m] - 1))
        guard closed < weeks else { continue }
        if isPooled[m] {
          closingUsers[m][closed].append(Int32(u))
          continue
        }
        var x = outcomes.post(m, u), pre = outcomes.pre(m, u)
        if let cap = fixedCaps[m] {
          x = min(x, cap)
          pre = min(pre, cap)
        }
        closing[m][closed][arm].add(x, pre: pre)
      }
    }

    var result: [Measurement] = []
    var users = [Int](repeating: 0, count: armCount)
    var sums = [[ExactSums]](repeating: [ExactSums](repeating: ExactSums(), count: armCount), count: metrics.count)
    var sortedValues = [[Int64]](repeating: [], count: metrics.count)
    var firstEntry = Int64.max, lastEntry = Int64.min
    for k in 0..<weeks {
      for arm in 0..<armCount { users[arm] += entering[k][arm] }
      firstEntry = min(firstEntry, weekFirst[k])
      lastEntry = max(lastEntry, weekLast[k])
      var caps = fixedCaps
      for m in metrics.indices {
        if isPooled[m] {
          let level = metrics[m].capPercentile ?? 1
          let fresh = closingUsers[m][k].map { outcomes.post(m, Int($0)) }.sorted()
          sortedValues[m] = Self.merged(sortedValues[m], fresh)
          let cap = Self.percentile(sorted: sortedValues[m], level: level)
          caps[m] = cap
          var capped = [ExactSums](repeating: ExactSums(), count: armCount)
          for week in 0...k {
            for u in closingUsers[m][week] {
              let user = Int(u)
              capped[Int(cohort.arm[user])].add(
                min(outcomes.post(m, user), cap), pre: min(outcomes.pre(m, user), cap))
            }
          }
          sums[m] = capped
        } else {
          for arm in 0..<armCount { sums[m][arm].merge(closing[m][k][arm]) }
        }
      }
      let measured = metrics.indices.map { m in
        Measurement.Metric(
          definition: metrics[m], arms: sums[m].map { $0.moments() },
          openWindows: (0..<armCount).map { users[$0] - sums[m][$0].count },
          exposedArms: [Moments](repeating: Moments(), count: armCount),
          spend: [Double](repeating: 0, count: armCount),
          appliedCap: caps[m].map(Decimal.units))
      }
      result.append(
        Measurement(
          experiment: experiment, asOf: cutoffs[k], users: users, survival: nil,
          entryRange: firstEntry <= lastEntry ? (firstEntry, lastEntry) : nil, metrics: measured, segments: [],
          exposure: Measurement.Exposure(
            isMeasured: false, exposed: [Int](repeating: 0, count: armCount), channels: []),
          files: [], split: SplitCheck(), findings: JoinFindings()))
    }
    return result
  }

  /// Two ascending arrays merged into one.
  package static func merged(_ a: [Int64], _ b: [Int64]) -> [Int64] {
    guard !b.isEmpty else { return a }
    var result: [Int64] = []
    result.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count && j < b.count {
      if b[j] < a[i] {
        result.append(b[j])
        j += 1
      } else {
        result.append(a[i])
        i += 1
      }
    }
    result.append(contentsOf: a[i...])
    result.append(contentsOf: b[j...])
    return result
  }
}
