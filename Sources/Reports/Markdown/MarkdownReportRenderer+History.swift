import Ingest
import TextOutput

extension MarkdownReportRenderer {
  /// The weekly history table, one row per week (only with `--weekly`).
  static func history(_ report: ExperimentReport, into out: inout String) {
    guard let history = report.history, let first = history.rows.first else { return }
    out += "## History\n\n"
    out += "One row per week since the first entry, each computed only from data before its date (so past rows never change). Intervals are the report's (\(report.experiment.analysis.sequential ? "always valid: safe to read every week" : "fixed-horizon: valid for one planned look only")).\n\n"
    for (k, lift) in first.lifts.enumerated() {
      out += "### \(MarkdownText.code(lift.metric)): \(MarkdownText.code(lift.arm)) vs \(MarkdownText.code(lift.control))\n\n"
      let rows = history.rows.enumerated().map { index, row -> [String] in
        let item = k < row.lifts.count ? row.lifts[k] : nil
        let lift = item?.relative.map { NumberFormat.percentInterval($0.estimate, $0.lower, $0.upper) } ?? "–"
        return [
          Timestamp.formatDate(row.asOf - 1), NumberFormat.grouped(row.users), lift,
          item.map { WeeklyHistory.word($0.reading) } ?? "–", history.change(at: index, lift: k),
        ]
      }
      out += MarkdownText.table(["data up to", "users", "relative lift (CI)", "reading", "since the previous week"], rows, alignRight: [1])
      let estimates = history.rows.map { k < $0.lifts.count ? ($0.lifts[k].relative?.estimate ?? .nan) : .nan }
      let finite = estimates.filter(\.isFinite)
      if let low = finite.min(), let high = finite.max() {
        out += "\nLift by week: `\(Sparkline.render(estimates, low: min(low, 0), high: max(high, 0)))` (\(NumberFormat.signedPercent(min(low, 0))) to \(NumberFormat.signedPercent(max(high, 0))); blank: not computable)\n"
      }
      out += "\n"
    }
  }
}
