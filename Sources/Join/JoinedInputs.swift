import MeasurementModel
import Platforms
/// Every input read and joined into per-user outcomes, before the reduction to per-arm statistics:
/// what `Measurer.join()` returns, so that one read serves the report as of `asOf`
/// (`Measurer.measurement(of:)`) and every earlier weekly cutoff (`Measurer.history(of:cutoffs:)`).
public struct JoinedInputs: Sendable {
  /// The cutoff the inputs were read with.
  public let asOf: Int64
  package let cohort: CohortTable
  package let outcomes: UserOutcomes
  package let channels: ChannelTable
  /// The row accounting of every file (cohort first).
  public let files: [Reconciliation]
  package let split: SplitCheck
  package let findings: JoinFindings

  /// True when some row was rejected because it would push a user's total past the per-user
  /// bound. Whether such a row is rejected depends on the rows before it, which depend on the
  /// cutoff, so a history cannot be derived from this read (`Measurer.history` returns nil).
  public var hasBoundRejections: Bool { findings.totalsPastBound > 0 }
}
