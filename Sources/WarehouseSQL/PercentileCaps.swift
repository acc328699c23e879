import Ingest
import Experiment

/// The SQL of percentile caps (`cap_percentile` in a metric): the warehouse's twin of
/// `Measurer.percentileCap`, written to give the same double.
extension QueryParts {
  /// The pooled cap at percentile `level` of `value` over the rows of `from` where `mature`
  /// holds (per `partition` value when given): with n values sorted, position p = level·(n − 1)
  /// in binary64, lower order statistic x[⌊p⌋], upper x[min(⌊p⌋ + 1, n − 1)], cap =
  /// x_lo + (p − ⌊p⌋)·(x_hi − x_lo), rounded half away from zero to a micro-unit;
  /// `MeasurementLimits.maximumMagnitude` when no user is measured (no cap). The same operations in
  /// the same order as `Measurer.percentileCap`, so the same double.
  func percentileCap(
    name: String, level: Double, value: String, from: String, mature: String, partition: String? = nil
  ) -> CommonTable {
    let double = syntax.double
    let interpolated = "\(syntax.cast("x_lo", double)) + (pos - \(syntax.cast("lo", double))) * \(syntax.cast("x_hi - x_lo", double))"
    let over = partition.map { "PARTITION BY \($0) " } ?? ""
    let key = partition.map { "\($0), " } ?? ""
    let group = partition.map { " GROUP BY \($0)" } ?? ""
    return CommonTable(name, """
        SELECT \(key)CASE WHEN x_lo IS NULL THEN \(MeasurementLimits.maximumMagnitude)
          ELSE \(syntax.cast("CASE WHEN \(interpolated) >= 0 THEN FLOOR(\(interpolated) + 0.5) ELSE CEIL(\(interpolated) - 0.5) END", syntax.bigint)) END AS cap
        FROM (
          SELECT \(key)MAX(CASE WHEN k = lo THEN x END) AS x_lo, MAX(CASE WHEN k = hi THEN x END) AS x_hi, MAX(pos) AS pos, MAX(lo) AS lo
          FROM (
            SELECT \(key)x, k, pos, lo, CASE WHEN lo + 1 < n THEN lo + 1 ELSE n - 1 END AS hi
            FROM (
              SELECT \(key)x, k, n, pos, \(syntax.cast("FLOOR(pos)", syntax.bigint)) AS lo
              FROM (
                SELECT \(key)\(value) AS x, ROW_NUMBER() OVER (\(over)ORDER BY \(value)) - 1 AS k, COUNT(*) OVER (\(over.trimmingSpace())) AS n,
                  \(syntax.cast("\(level)", double)) * \(syntax.cast("COUNT(*) OVER (\(over.trimmingSpace())) - 1", double)) AS pos
                FROM \(from) WHERE \(mature)
              ) s1
            ) s2
          ) s3\(group)
        ) s4
      """)
  }
}
