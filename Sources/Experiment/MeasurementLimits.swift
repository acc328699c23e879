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
}
