import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import TestSupport
import Testing

/// The weekly history from one read of the inputs (`Measurer.history`) equals measuring afresh at
/// each cutoff, on every number the weekly rows read.
@Suite struct HistoryMeasurementTests {
  static let day: Int64 = 86_400_000_000

  /// What a history row depends on, as comparable text.
  static func summary(_ m: Measurement) -> [String] {
    var lines = ["as_of \(m.asOf) users \(m.users) entries \(m.entryRange.map { "\($0.first)…\($0.last)" } ?? "none")"]
    for metric in m.metrics {
      lines.append(
        "\(metric.definition.name) \(metric.arms) open \(metric.openWindows) cap \(metric.appliedCap.map { "\($0)" } ?? "none")")
    }
    return lines
  }

  /// Weekly cutoffs from the first entry's UTC day, plus irregular ones: before anybody entered,
  /// mid-day, exactly at an entry instant (entry at the cutoff is not analysed yet) and exactly
  /// when the first entrant's window of each metric closes (mature at the cutoff).
  static func cutoffs(first: Int64, asOf: Int64, windowEnds: [Int64] = []) -> [Int64] {
    var result: [Int64] = [first - day, first, first + day / 2 + 1]
    result += windowEnds.map { first + $0 }.filter { $0 < asOf }
    var c = (first / day) * day + 7 * day
    while c < asOf {
      result.append(c)
      c += 7 * day
    }
    result.append(asOf - 1)
    return Array(Set(result)).sorted()
  }

  @Test(arguments: [
    "fixtures/winback/experiment.json", "fixtures/cart-recovery/experiment.json",
    "fixtures/whatsapp-winback/experiment.json",
  ])
  func oneReadGivesWhatEachCutoffMeasuredAfreshGives(experiment: String) throws {
    let definition = try ExperimentFileDecoder.load(path: TestPaths.repository(experiment), for: .report)
    let asOf = try #require(definition.asOf)
    let measurer = Measurer(experiment: definition, asOf: asOf, threads: 2)
    let joined = try measurer.join()
    let first = try #require(measurer.measurement(of: joined).entryRange?.first)
    let cutoffs = Self.cutoffs(first: first, asOf: asOf, windowEnds: definition.metrics.map(\.windowEnd))
    let history = try #require(measurer.history(of: joined, cutoffs: cutoffs))
    #expect(history.count == cutoffs.count)
    var measuredSomebody = false, sawOpenWindows = false
    for (k, cutoff) in cutoffs.enumerated() {
      let fresh = try Measurer(experiment: definition, asOf: cutoff).measure()
      #expect(Self.summary(history[k]) == Self.summary(fresh), "cutoff \(cutoff)")
      measuredSomebody = measuredSomebody || fresh.metrics.contains { $0.arms.contains { $0.count > 0 } }
      sawOpenWindows = sawOpenWindows || fresh.metrics.contains { $0.openWindows.contains { $0 > 0 } }
    }
    // The comparison covered weeks with measured users and weeks with windows still open.
    #expect(measuredSomebody && sawOpenWindows)
    #expect(history[0].users.allSatisfy { $0 == 0 })
  }

  @Test func aPooledPercentileCapIsRecomputedEachWeek() throws {
    let path = TestPaths.repository("fixtures/cart-recovery/experiment.json")
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    let m = try #require(definition.metrics.firstIndex { $0.capPercentile != nil })
    let measurer = Measurer(experiment: definition, asOf: definition.asOf!)
    let joined = try measurer.join()
    let first = try #require(measurer.measurement(of: joined).entryRange?.first)
    let cutoffs = Self.cutoffs(first: first, asOf: definition.asOf!)
    let history = try #require(measurer.history(of: joined, cutoffs: cutoffs))
    let caps = Set(history.compactMap { $0.metrics[m].appliedCap })
    #expect(caps.count > 1, "the cap moves as users mature: \(caps.sorted())")
  }

  static let boundExperiment = """
    {
      "key": "bound", "as_of": "2026-03-01T00:00:00Z",
      "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
      "inputs": {"cohort": "cohort.csv", "events": "events.csv"},
      "metrics": [{"name": "rev", "kind": "revenue", "event": "order", "window_days": 14}]
    }
    """

  static func joined(events: String) throws -> (Measurer, JoinedInputs) {
    let scratch = Scratch()
    let path = scratch.write("experiment.json", boundExperiment)
    scratch.write(
      "cohort.csv",
      "user_id,entered_at,arm\nu1,2026-01-01T00:00:00Z,holdout\nu2,2026-01-01T00:00:00Z,sms\n")
    scratch.write("events.csv", events)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    let measurer = Measurer(experiment: definition, asOf: definition.asOf!)
    return (measurer, try measurer.join())
  }

  @Test func aTotalPastTheBoundMeansEachWeekIsMeasuredAfresh() throws {
    // e2 takes u1 past 10⁹ and is rejected whole; measured as of Jan 3, e2 is after the cutoff
    // and e1 is the only row, so which rows pass depends on the cutoff.
    let events = """
      user_id,event,timestamp,value,event_id
      u1,order,2026-01-02T00:00:00Z,999999999,e1
      u1,order,2026-01-03T00:00:00Z,2,e2

      """
    let (measurer, joined) = try Self.joined(events: events)
    #expect(joined.hasBoundRejections)
    #expect(measurer.history(of: joined, cutoffs: [Self.day * 20_460]) == nil)
  }

  @Test func aSingleValueBeyondTheBoundDoesNotPreventOneRead() throws {
    let events = """
      user_id,event,timestamp,value,event_id
      u1,order,2026-01-02T00:00:00Z,5000000000,e1
      u2,order,2026-01-03T00:00:00Z,2,e2

      """
    let (measurer, joined) = try Self.joined(events: events)
    #expect(joined.files[1][.valueOutOfRange] == 1)
    #expect(!joined.hasBoundRejections)
    let cutoff = Int64(1_768_780_800_000_000)  // 2026-01-19T00:00:00Z: u1 and u2 are mature
    let history = try #require(measurer.history(of: joined, cutoffs: [cutoff]))
    let fresh = try Measurer(experiment: measurer.experiment, asOf: cutoff).measure()
    #expect(Self.summary(history[0]) == Self.summary(fresh))
    #expect(fresh.metrics[0].arms.map(\.count) == [1, 1])
  }

  @Test func cutoffsNotBeforeAsOfOrOutOfOrderAreRefused() throws {
    let (measurer, joined) = try Self.joined(events: "user_id,event,timestamp,value,event_id\n")
    #expect(measurer.history(of: joined, cutoffs: [measurer.asOf]) == nil)
    #expect(measurer.history(of: joined, cutoffs: [measurer.asOf - 2, measurer.asOf - 3]) == nil)
    #expect(measurer.history(of: joined, cutoffs: [])?.isEmpty == true)
  }
}
