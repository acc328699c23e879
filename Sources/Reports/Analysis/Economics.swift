import Experiment
import MeasurementModel
import Statistics

/// What the journey's messages cost per incremental result, from the configured cost per
/// delivered message (statistics.md#message-costs-cost-per-incremental-result-and-return-on-spend).
/// The spend is the treatment arm's cost over the users the metric measures, and is treated as
/// fixed (known), so intervals come from the incremental total's interval alone.
///
/// - Count-like metrics (conversion, count, retention): cost per incremental unit
///   iCPA = spend / incremental. Its interval inverts the incremental interval's endpoints,
///   [spend/high, spend/low], when that interval lies above 0; when it reaches 0 or below the
///   upper limit is unbounded (nil); when the estimate itself is ≤ 0 there is no incremental
///   result to pay for and the cost is not computable.
/// - Revenue: incremental return on spend iROAS = incremental revenue / spend, interval
///   [low, high]/spend.
public struct Economics: Sendable, Equatable {
  /// A ratio with its interval; `upper` is nil when unbounded.
  public struct Ratio: Sendable, Equatable {
    public let estimate: Double
    public let lower: Double
    public let upper: Double?
  }

  /// The treatment arm's message cost over the measured users.
  public let spend: Double
  /// Cost per incremental unit (count-like metrics), else nil.
  public let costPerIncremental: Computed<Ratio>?
  /// Incremental revenue per unit of spend (revenue metrics), else nil.
  public let returnOnSpend: Computed<Ratio>?

  /// Economics of `incremental` bought with `spend` (> 0) on a metric of `kind`.
  public init(kind: MetricDefinition.Kind, spend: Double, incremental: Computed<Effect>) {
    self.spend = spend
    switch kind {
    case .revenue:
      costPerIncremental = nil
      returnOnSpend = incremental.map { effect in
        Ratio(estimate: effect.estimate / spend, lower: effect.lower / spend, upper: effect.upper / spend)
      }
    case .conversion, .count, .retention:
      returnOnSpend = nil
      costPerIncremental = incremental.flatMap { effect in
        guard effect.estimate > 0 else {
          return .notComputable("the estimate shows no incremental result to pay for")
        }
        return .value(
          Ratio(
            estimate: spend / effect.estimate, lower: spend / effect.upper,
            upper: effect.lower > 0 ? spend / effect.lower : nil))
      }
    }
  }
}
