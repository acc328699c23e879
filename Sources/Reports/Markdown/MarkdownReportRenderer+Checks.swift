import MeasurementModel

extension MarkdownReportRenderer {
  /// The Checks section alone, as `holdout validate` prints it.
  public static func checksSection(_ report: ExperimentReport) -> String {
    var out = "# Journey checks: \(MarkdownText.code(report.experiment.key))\n\n"
    checks(report, into: &out)
    return out
  }

  /// The journey checks as a table, with examples under any failed check.
  static func checks(_ report: ExperimentReport, into out: inout String) {
    let checks = JourneyChecks(report)
    out += "## Checks\n\n"
    let failed = checks.checks.filter { $0.status == .fail }
    out +=
      failed.isEmpty
      ? "Every data-quality check passed (thresholds from the experiment file's `validation`; `holdout validate` runs them alone).\n\n"
      : "**\(failed.count) data-quality \(failed.count == 1 ? "check" : "checks") failed**: fix the data or the journey before trusting the comparisons below (`holdout validate` runs the checks alone).\n\n"
    let rows = checks.checks.map { check in
      [
        check.status == .fail ? "**fail**" : (check.status == .pass ? "pass" : "n/a"),
        MarkdownText.plain(check.title), MarkdownText.plain(check.measured), MarkdownText.plain(check.threshold),
      ]
    }
    out += MarkdownText.table(["status", "check", "measured", "threshold"], rows, alignRight: [])
    for check in failed where !check.examples.isEmpty {
      out += "\n\(MarkdownText.plain(check.title)):\n\n"
      for example in check.examples { out += "- \(MarkdownText.plain(example))\n" }
    }
    out += "\n"
  }
}
