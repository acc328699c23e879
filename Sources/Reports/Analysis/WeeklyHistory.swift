import Ingest
import MeasurementModel
import Statistics
import TextOutput

/// The weekly history of an experiment (`holdout report --weekly`): one row per week since the
/// first entry, each the report as of that week's end computed from the data before it, so a
/// past week's row is exactly what that week's report said (and regenerates identically).
///
/// Rows carry the primary comparisons: cumulative users, the relative lift and its interval (the
/// report's interval, always valid by default, so reading it every week is safe) and the reading.
public struct WeeklyHistory: Sendable {
  /// One primary comparison in one week.
  public struct Lift: Sendable {
    public let metric: String
    public let arm: String
    public let control: String
    /// The relative lift, when computable.
    public let relative: Effect?
    public let reading: Comparison.Reading
  }

  /// One week.
  public struct Row: Sendable {
    /// The week's cutoff (exclusive).
    public let asOf: Int64
    /// Users analysed by then.
    public let users: Int
    public let lifts: [Lift]
  }

  /// Rows, oldest first; the last is the report's own `as_of`.
  public let rows: [Row]

  /// The weekly cutoffs: every 7 days from the first entry's day (UTC midnight), then `asOf`.
  public static func cutoffs(firstEntry: Int64, asOf: Int64) -> [Int64] {
    let day = Timestamp.microsecondsPerDay
    let start = (firstEntry >= 0 ? firstEntry / day : (firstEntry - day + 1) / day) * day
    var result: [Int64] = []
    var cutoff = start + 7 * day
    while cutoff < asOf {
      result.append(cutoff)
      cutoff += 7 * day
    }
    result.append(asOf)
    return result
  }

  /// Builds the history from the report at each cutoff.
  public init(reports: [ExperimentReport]) {
    rows = reports.map { report in
      var lifts: [Lift] = []
      for metric in report.metrics where metric.definition.role == .primary {
        for c in metric.comparisons {
          // The decision's interval and reading (`Decision`), as that week's report shows them.
          let decision = c.decision
          lifts.append(Lift(metric: metric.definition.name, arm: c.arm, control: c.control, relative: decision.relativeScale ?? decision.relative, reading: decision.reading))
        }
      }
      return Row(asOf: report.asOf, users: report.arms.reduce(0) { $0 + $1.users }, lifts: lifts)
    }
  }

  /// What changed since the previous row, in words ("+1,200 users; lift +2.1 pts; now conclusive").
  public func change(at index: Int, lift k: Int) -> String {
    guard index > 0 else { return "first week" }
    let now = rows[index], before = rows[index - 1]
    var parts = ["\(NumberFormat.signedGrouped(Double(now.users - before.users))) users"]
    if k < now.lifts.count, k < before.lifts.count {
      let a = before.lifts[k], b = now.lifts[k]
      if let x = a.relative, let y = b.relative {
        parts.append("lift \(NumberFormat.signedGrouped((y.estimate - x.estimate) * 100, 1)) pts")
      }
      if a.reading != b.reading { parts.append("now \(Self.word(b.reading))") }
    }
    return parts.joined(separator: "; ")
  }

  /// The reading in words.
  public static func word(_ reading: Comparison.Reading) -> String {
    switch reading {
    case .higher: return "conclusively higher"
    case .lower: return "conclusively lower"
    case .inconclusive: return "not conclusive"
    case .notComputable: return "not computable"
    }
  }
}
