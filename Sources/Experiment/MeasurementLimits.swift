/// The bounds every measurement applies, whether it joins files (Join and Reduction) or a warehouse
/// computes it (`holdout sql`): defined once here so that both read the same numbers.
public enum MeasurementLimits {
  /// The largest per-user magnitude, in micro-units: ±10⁹ units (10¹⁵ micro-units). Rows that
  /// would pass it are rejected; it keeps n·x² inside the 128-bit per-arm sums for up to
  /// `CohortTable.maximumUsers` (Join) users.
  public static let maximumMagnitude: UInt64 = 1_000_000_000_000_000
  /// `maximumMagnitude` in units, as messages print it.
  public static let maximumUnits = "1,000,000,000"
  /// The instant below which a time is implausible: 2000-01-01T00:00:00Z.
  public static let timeFloor: Int64 = 946_684_800_000_000

  /// How far past the analysis horizon a time is implausible (usually a unit mistake: seconds
  /// read as milliseconds): 30 days.
  public static let futureMargin: Int64 = 30 * 86_400_000_000

  /// The instant after which a time is implausible for a run as of `asOf`: `futureMargin` after
  /// the later of `asOf` and the experiment file's own `as_of`. A run as of an earlier day
  /// (`--as-of` a past week) keeps the file's horizon: the rows after its cutoff are simply
  /// later, not implausible. The file join and the warehouse SQL both use this.
  public static func futureLimit(asOf: Int64, experimentAsOf: Int64?) -> Int64 {
    max(asOf, experimentAsOf ?? asOf) &+ futureMargin
  }
}
