import MeasurementModel
import TextOutput

extension JSONReportRenderer {
  /// The checks object alone, as `holdout validate --format json` prints it.
  public static func checksValue(_ report: ExperimentReport) -> JSONValue { checks(report) }

  /// The journey checks: `failed` and one object per check.
  static func checks(_ report: ExperimentReport) -> JSONValue {
    let checks = JourneyChecks(report)
    return .object([
      ("failed", .bool(checks.failed)),
      ("checks", .array(checks.checks.map { check in
        .object([
          ("key", .string(check.key)), ("status", .string(check.status.rawValue)),
          ("title", .string(check.title)), ("measured", .string(check.measured)),
          ("threshold", .string(check.threshold)), ("examples", .array(check.examples.map { .string($0) })),
        ])
      })),
    ])
  }
}
