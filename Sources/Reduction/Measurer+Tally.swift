import Experiment
import Ingest
import MeasurementModel
import Join

extension Measurer {
  /// The per-user pass of `reduce`: per arm, metric and segment value, the users and the exact
  /// sums of their values; exposure, spend and channels; the survival times in user order.
  ///
  /// Two tallies of consecutive user ranges merge into the tally of their union (`merge`): the
  /// sums are exact integers (associative), the counts add, and the survival lists are joined
  /// lower range first, so a pass split over threads gives the single pass's result exactly.
  package struct Tally: Sendable {
    /// The dimensions of the arrays.
    package struct Shape: Sendable {
      package var arms: Int
      package var metrics: Int
      /// Per segment column, its number of distinct values.
      package var segmentValues: [Int]
      package var channels: Int
      package var measuresSurvival: Bool
    }

    /// What the pass reads (shared, read-only).
    package struct Context: @unchecked Sendable {
      package let cohort: CohortTable
      package let outcomes: UserOutcomes
      /// Per metric, its cap in micro-units.
      package let caps: [Int64?]
      /// Per metric, its window's end after entry: read per user, kept apart from the
      /// definitions (copying a definition, with its strings, a million times cost more).
      package let windowEnds: [Int64]
      package let asOf: Int64
      /// The survival follow-up, in microseconds.
      package let survivalWindow: Int64
      /// The step of the return curves' grid (`SurvivalResolution.step`).
      package let survivalStep: Int64
    }

    private(set) var users: [Int]
    private(set) var sums: [[ExactSums]]
    /// Per metric and arm, the users whose window had not closed by `as_of`.
    private(set) var open: [[Int]]
    private(set) var exposedSums: [[ExactSums]]
    private(set) var spend: [[Int128]]
    private(set) var segmentUsers: [[[Int]]]
    private(set) var segmentSums: [[[[ExactSums]]]]
    private(set) var exposed: [Int]
    private(set) var channelUsers: [[Int]]
    private(set) var survivalTimes: [[Double]]
    private(set) var survivalEvents: [[Bool]]
    private(set) var firstEntry = Int64.max
    private(set) var lastEntry = Int64.min
    private let measuresSurvival: Bool

    package init(_ shape: Shape) {
      let arms = shape.arms
      users = [Int](repeating: 0, count: arms)
      let empty = [[ExactSums]](repeating: [ExactSums](repeating: ExactSums(), count: arms), count: shape.metrics)
      sums = empty
      open = [[Int]](repeating: [Int](repeating: 0, count: arms), count: shape.metrics)
      exposedSums = empty
      spend = [[Int128]](repeating: [Int128](repeating: 0, count: arms), count: shape.metrics)
      segmentUsers = shape.segmentValues.map { [[Int]](repeating: [Int](repeating: 0, count: arms), count: $0) }
      segmentSums = shape.segmentValues.map { [[[ExactSums]]](repeating: empty, count: $0) }
      exposed = [Int](repeating: 0, count: arms)
      channelUsers = [[Int]](repeating: [Int](repeating: 0, count: arms), count: shape.channels)
      survivalTimes = [[Double]](repeating: [], count: arms)
      survivalEvents = [[Bool]](repeating: [], count: arms)
      measuresSurvival = shape.measuresSurvival
    }

    /// Adds the analysed users among `range`, in order.
    package mutating func add(users range: Range<Int>, _ c: Context) {
      let segmentCount = segmentUsers.count
      for u in range {
        let armValue = c.cohort.arm[u]
        guard armValue >= 0 else { continue }
        let arm = Int(armValue)
        users[arm] += 1
        let t0 = c.cohort.entry[u]
        firstEntry = min(firstEntry, t0)
        lastEntry = max(lastEntry, t0)
        let isExposed = c.outcomes.firstExposure(u) != UserOutcomes.never
        if measuresSurvival {
          let followUp = min(c.asOf - t0, c.survivalWindow)
          let returned = c.outcomes.firstReturn(u)
          let isEvent = returned != UserOutcomes.never && returned - t0 <= followUp
          // On the experiment's grid (`SurvivalResolution`), as the warehouse path counts them.
          let time = isEvent
            ? SurvivalResolution.returned(returned - t0, step: c.survivalStep, window: c.survivalWindow)
            : SurvivalResolution.censored(followUp, step: c.survivalStep)
          survivalTimes[arm].append(Double(time) / Measurer.microsPerDay)
          survivalEvents[arm].append(isEvent)
        }
        if isExposed {
          exposed[arm] += 1
          let channel = c.outcomes.exposureChannel(u)
          if channel >= 0 { channelUsers[Int(channel)][arm] += 1 }
        }
        for k in 0..<segmentCount {
          segmentUsers[k][Int(c.cohort.segmentCodes[k][u])][arm] += 1
        }
        for m in c.windowEnds.indices {
          let windowClosed = t0 + c.windowEnds[m] <= c.asOf
          if !windowClosed {
            open[m][arm] += 1
            continue
          }
          var x = c.outcomes.post(m, u)
          var pre = c.outcomes.pre(m, u)
          if let cap = c.caps[m] {
            x = min(x, cap)
            pre = min(pre, cap)
          }
          sums[m][arm].add(x, pre: pre)
          if isExposed { exposedSums[m][arm].add(x, pre: pre) }
          spend[m][arm] += Int128(c.outcomes.spend(u))
          for k in 0..<segmentCount {
            segmentSums[k][Int(c.cohort.segmentCodes[k][u])][m][arm].add(x, pre: pre)
          }
        }
      }
    }

    /// Adds the tally of the users right after this one's.
    package mutating func merge(_ next: Tally) {
      func add(_ a: inout [Int], _ b: [Int]) { for i in a.indices { a[i] += b[i] } }
      func add(_ a: inout [ExactSums], _ b: [ExactSums]) { for i in a.indices { a[i].merge(b[i]) } }
      add(&users, next.users)
      add(&exposed, next.exposed)
      for m in sums.indices {
        add(&sums[m], next.sums[m])
        add(&exposedSums[m], next.exposedSums[m])
        add(&open[m], next.open[m])
        for a in spend[m].indices { spend[m][a] += next.spend[m][a] }
      }
      for c in channelUsers.indices { add(&channelUsers[c], next.channelUsers[c]) }
      for k in segmentUsers.indices {
        for v in segmentUsers[k].indices {
          add(&segmentUsers[k][v], next.segmentUsers[k][v])
          for m in segmentSums[k][v].indices { add(&segmentSums[k][v][m], next.segmentSums[k][v][m]) }
        }
      }
      for a in survivalTimes.indices {
        survivalTimes[a] += next.survivalTimes[a]
        survivalEvents[a] += next.survivalEvents[a]
      }
      firstEntry = min(firstEntry, next.firstEntry)
      lastEntry = max(lastEntry, next.lastEntry)
    }
  }
}
