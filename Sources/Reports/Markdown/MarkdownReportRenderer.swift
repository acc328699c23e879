import Experiment
import Ingest
import MeasurementModel
import Statistics
import TextOutput

/// Renders `report.md`: a GitHub-flavoured Markdown report, deterministic byte for byte.
///
/// Sections: summary (a sentence per primary metric and arm, causal words only for these
/// randomized comparisons), arms and sample ratio, each metric, segments, exposure and the data
/// reconciliation of every input file.
public enum MarkdownReportRenderer {
  /// The Markdown text of `report`.
  public static func render(_ report: ExperimentReport) -> String {
    var out = ""
    header(report, into: &out)
    summary(report, into: &out)
    checks(report, into: &out)
    history(report, into: &out)
    arms(report, into: &out)
    metrics(report, into: &out)
    survival(report, into: &out)
    segments(report, into: &out)
    exposure(report, into: &out)
    data(report, into: &out)
    return out
  }

  private static func header(_ report: ExperimentReport, into out: inout String) {
    let experiment = report.experiment
    out += "# Holdout report: \(MarkdownText.code(experiment.key))\n\n"
    out += "- As of: \(Timestamp.format(report.asOf)) (events at or after it are ignored)\n"
    if let range = report.measurement.entryRange {
      out += "- Entries analysed: \(Timestamp.format(range.first)) to \(Timestamp.format(range.last))\n"
    }
    let total = report.arms.reduce(0) { $0 + $1.users }
    out += "- Users analysed: \(NumberFormat.grouped(total))\n"
    out += analysisLines(report)
    out += "- Assignment: GrowthBook hash v\(experiment.hashVersion.rawValue), salt \(MarkdownText.code(experiment.salt)), coverage \(NumberFormat.percent(experiment.coverage, 0))\n\n"
  }

  private static func summary(_ report: ExperimentReport, into out: inout String) {
    out += "## Summary\n\n"
    if let warning = JourneyChecks.emptyArmsWarning(report) {
      out += "> **Warning: no comparison possible**: \(MarkdownText.plain(warning))\n\n"
    }
    if report.srm.verdict == .mismatch {
      out += "> **Warning: sample ratio mismatch** (\(NumberFormat.pEquals(report.srm.pValue))). The arms' sizes do not match the configured weights, so the split may be broken; treat every result below with suspicion until the cause is found.\n\n"
    }
    out += Verdict.rule(report) + "\n\n"
    for verdict in Verdict.all(report) { out += "- " + line(verdict) + "\n" }
    out += "\n"
  }

  /// A verdict as Markdown: names in code spans, the decision in bold.
  static func line(_ verdict: Verdict) -> String {
    verdict.parts.map { part in
      switch part.style {
      case .plain, .figure: return part.text
      case .name: return MarkdownText.code(part.text)
      case .decision: return "**\(part.text)**"
      }
    }.joined()
  }

  /// "estimate (label lower to upper)", each number formatted by `format`.
  static func interval(_ effect: Effect, label: String = "", _ format: (Double) -> String) -> String {
    "\(format(effect.estimate)) (\(label)\(format(effect.lower)) to \(format(effect.upper)))"
  }

  private static func arms(_ report: ExperimentReport, into out: inout String) {
    out += "## Arms and sample ratio\n\n"
    let total = max(report.arms.reduce(0) { $0 + $1.users }, 1)
    let rows = report.arms.enumerated().map { index, arm in
      [
        MarkdownText.code(arm.name), arm.isControl ? "control (holdout)" : "treatment",
        NumberFormat.percent(arm.weight, 1), NumberFormat.grouped(arm.users),
        NumberFormat.percent(Double(arm.users) / Double(total), 2),
        NumberFormat.grouped(report.srm.expected[index], 1),
      ]
    }
    out += MarkdownText.table(
      ["arm", "role", "weight", "users", "observed share", "expected users"], rows,
      alignRight: [2, 3, 4, 5])
    let srm = report.srm
    let verdict: String
    switch srm.verdict {
    case .ok: verdict = "no mismatch"
    case .mismatch: verdict = "**MISMATCH**: the split is not what was configured"
    case .notEnoughData: verdict = "not enough data (fewer than 8 users in an arm)"
    }
    out += "\nSRM check: χ² = \(NumberFormat.fixed(srm.chiSquare, 3)), df = \(srm.degreesOfFreedom), \(NumberFormat.pEquals(srm.pValue)) → \(verdict) (flagged below p = \(NumberFormat.significant(report.experiment.analysis.srmThreshold, 3))).\n\n"
  }

  private static func metrics(_ report: ExperimentReport, into out: inout String) {
    out += "## Metrics\n\n"
    for metric in report.metrics {
      let d = metric.definition
      let events = d.events.map(MarkdownText.code).joined(separator: ", ")
      out += "### \(MarkdownText.code(d.name))\n\n"
      var line = "\(d.kind.rawValue), \(d.role.rawValue)"
      if let harmful = d.harmful { line += " (harmful if it \(harmful == .increase ? "increases" : "decreases"))" }
      line += "; events \(events); window \(d.windowDescription)"
      if let cap = d.cap { line += "; per-user values capped at \(NumberFormat.significant(cap, 6))" }
      if let level = d.capPercentile, let cap = metric.appliedCap {
        line += "; per-user values capped at the pooled \(NumberFormat.significant(level * 100, 4))th percentile, \(NumberFormat.significant(cap, 6))"
      }
      line += "; mature users only (window elapsed by as_of)"
      out += line + ".\n\n"
      let isRate = d.kind.isBinary
      let armRows = metric.arms.map { arm in
        [
          MarkdownText.code(arm.arm), NumberFormat.grouped(arm.moments.count),
          arm.moments.count > 0 ? NumberFormat.mean(arm.moments.mean, isRate: isRate) : "n/a",
          NumberFormat.grouped(arm.moments.sum, d.kind.totalDecimals),
          arm.moments.count > 0 ? NumberFormat.mean(arm.moments.preMean, isRate: isRate) : "n/a",
          NumberFormat.grouped(arm.openWindows),
        ]
      }
      out += MarkdownText.table(
        ["arm", "users", isRate ? "rate" : "mean per user", "total", "pre-period mean", "not yet mature"],
        armRows, alignRight: [1, 2, 3, 4, 5])
      out += "\n"
      out += comparisonTable(metric.comparisons, kind: d.kind, harmful: d.harmful, level: report.confidenceLabel)
      out += "\n"
      out += details(metric, analysis: report.experiment.analysis, level: report.confidenceLabel)
    }
  }

  static func comparisonTable(
    _ comparisons: [Comparison], kind: MetricDefinition.Kind, harmful: MetricDefinition.HarmfulDirection?,
    level: String
  ) -> String {
    let isRate = kind.isBinary
    let decimals = kind.totalDecimals
    let rows: [[String]] = comparisons.map { c in
      let comparison = comparisonLabel(c)
      guard let a = c.absolute.value, let inc = c.incremental.value else {
        return [comparison, "not computable: \(MarkdownText.plain(c.absolute.reason ?? ""))", "", "", "", "", ""]
      }
      let absolute = interval(a) { NumberFormat.difference($0, isRate: isRate) }
      let relative: String
      switch c.relative {
      case .value(let r):
        relative = interval(r.possibleChange) { NumberFormat.signedPercent($0) }
      case .notComputable(let reason):
        relative = "not computable: \(MarkdownText.plain(reason))"
      }
      let incremental = interval(inc) { NumberFormat.signedGrouped($0, decimals) }
      let word = c.readingWord(harmful: harmful)
      let reading = c.isHarmful(harmful) ? "**\(word)**" : word
      return [
        comparison, absolute, relative, NumberFormat.pValue(a.pValue),
        c.adjustedPValue.map(NumberFormat.pValue) ?? "–", incremental, reading,
      ]
    }
    return MarkdownText.table(
      ["comparison", "absolute (\(level) CI)", "relative (\(level) CI)", "p", "adjusted p", "incremental (\(level) CI)", "reading"],
      rows, alignRight: [3, 4])
  }

  private static func segments(_ report: ExperimentReport, into out: inout String) {
    guard !report.segments.isEmpty else { return }
    out += "## Segments\n\n"
    let correction = report.experiment.analysis.segmentCorrection.map {
      "p-values are adjusted with \($0.label) across every segment value × comparison of a metric (the adjusted p column); read a segment as different only when its adjusted p is below \(NumberFormat.significant(report.alpha, 3))."
    } ?? "p-values are not adjusted for the number of segments: expect about one in twenty to fall below 0.05 by chance."
    out += "Each segment is a randomized comparison within the segment (the split is independent of the segment). \(correction) Segment intervals are not adjusted.\n\n"
    for (m, metric) in report.metrics.enumerated() where metric.definition.role != .secondary {
      let d = metric.definition
      out += "### \(MarkdownText.code(d.name)) by segment\n\n"
      let rows: [[String]] = report.segments.flatMap { row in
        row.comparisons[m].map { c -> [String] in
          let segment = "\(MarkdownText.code(row.column)) = \(MarkdownText.code(row.value))"
          let comparison = comparisonLabel(c)
          let users = NumberFormat.grouped(row.users.reduce(0, +))
          guard let a = c.absolute.value else {
            // The difference is still known where its interval is not (a control without events).
            let difference = c.meanDifference.map { "\(NumberFormat.difference($0, isRate: d.kind.isBinary)) per user, no interval: " } ?? "not computable: "
            return [segment, comparison, users, difference + MarkdownText.plain(c.absolute.reason ?? ""), "", "", ""]
          }
          let relative = c.relative.value.map { interval($0.possibleChange) { NumberFormat.signedPercent($0) } } ?? "not computable"
          let absolute = interval(a) { NumberFormat.difference($0, isRate: d.kind.isBinary) }
          return [
            segment, comparison, users, absolute, relative, NumberFormat.pValue(a.pValue),
            c.adjustedPValue.map(NumberFormat.pValue) ?? "–",
          ]
        }
      }
      out += MarkdownText.table(
        ["segment", "comparison", "users (all arms)", "absolute (\(report.confidenceLabel) CI)", "relative (\(report.confidenceLabel) CI)", "p", "adjusted p"],
        rows, alignRight: [2, 5, 6])
      out += "\n"
    }
  }

  private static func exposure(_ report: ExperimentReport, into out: inout String) {
    out += "## Exposure\n\n"
    let exposure = report.measurement.exposure
    guard exposure.isMeasured else {
      out += "No messages file was given, so exposure is not measured.\n\n"
      return
    }
    let events = report.experiment.exposure.map(MarkdownText.code).joined(separator: ", ")
    out += "A user counts as reached at their first \(events) at or after entry. Holdout users should not be reached; any that were are counted here (contamination).\n\n"
    let rows = report.arms.map { arm in
      [
        MarkdownText.code(arm.name), NumberFormat.grouped(arm.users), NumberFormat.grouped(arm.exposed ?? 0),
        arm.users > 0 ? NumberFormat.percent(Double(arm.exposed ?? 0) / Double(arm.users), 1) : "n/a",
      ]
    }
    out += MarkdownText.table(["arm", "users", "reached", "reach rate"], rows, alignRight: [1, 2, 3])
    if !exposure.channels.isEmpty {
      out += "\nFirst channel that reached each user. **Descriptive, not randomized**: who a channel reached depends on the journey's rules and on the users themselves (reachability, consent, exit on conversion), so differences between these groups are not effects of the channel. To measure a channel's effect, randomize it: give it its own arm (e.g. `sms` vs `sms_email` against the holdout) and compare arms.\n\n"
      let channelRows = exposure.channels.map { channel in
        [MarkdownText.code(channel.name)] + channel.users.map(NumberFormat.grouped)
      }
      out += MarkdownText.table(
        ["channel"] + report.arms.map { MarkdownText.code($0.name) }, channelRows,
        alignRight: Set(1...report.arms.count))
    }
    out += "\n"
  }

  private static func data(_ report: ExperimentReport, into out: inout String) {
    out += "## Data\n\n"
    if let origin = report.measurement.origin {
      out += "The numbers were computed in the warehouse (\(MarkdownText.plain(origin.dialect)) query from `holdout sql`, experiment file digest `\(origin.digest)`) and read from \(MarkdownText.code(origin.file)). The tables' rows are accounted for as the query counted them; examples of rejected rows are not collected in SQL.\n\n"
      if let bounds = report.experiment.warehouseReadBounds(asOf: report.asOf) {
        out += "The query read only message and event rows timed from \(Timestamp.format(bounds.from)) until \(Timestamp.format(bounds.until)) (`warehouse.since` \(Timestamp.format(report.experiment.warehouse.since ?? 0)), less the longest pre-period and a day; as_of plus a day): rows outside were not read and are not in the accounting below.\n\n"
      }
    } else {
      out += "Every row of every input is accounted for; each file's fates add up to the rows read.\n\n"
    }
    for group in report.inputGroups {
      let file = group.total
      let name = MarkdownText.code(group.name)
      out += "### \(file.role): \(name)\(file.format.map { " (\(MarkdownText.plain($0)))" } ?? "")\n\n"
      if let sentence = group.filesSentence(code: MarkdownText.code) { out += sentence + "\n\n" }
      var rows = Reconciliation.Fate.allCases.filter { file[$0] > 0 || $0 == .used }.map { fate in
        [fate.label, NumberFormat.grouped(file[fate])]
      }
      for reason in Reconciliation.Reason.allCases where file[reason] > 0 {
        rows.append(["  rejected: \(reason.label)", NumberFormat.grouped(file[reason])])
      }
      rows.append(["**rows read**", "**\(NumberFormat.grouped(file.rowsRead))**"])
      out += MarkdownText.table(["fate", "rows"], rows, alignRight: [1])
      if !group.worst.isEmpty {
        out += "\nThe files with the most rejected rows:\n\n"
        out += MarkdownText.table(
          ["file", "rows read", "rejected"],
          group.worst.map { [MarkdownText.code($0.name), NumberFormat.grouped($0.rowsRead), NumberFormat.grouped($0[.rejected])] },
          alignRight: [1, 2])
      }
      let examples = file.examples.flatMap { $0 }
      if !examples.isEmpty {
        out += "\nExamples of rejected rows, by reason:\n\n"
        for example in examples { out += "- \(MarkdownText.plain(example))\n" }
      }
      out += "\n"
    }
    let split = report.measurement.split
    if split.isRecorded && !split.isHashChecked {
      out += "Recorded split: the cohort's `arm` column was used as it is; the warehouse query does not recompute the hash, so its agreement with the experiment's split is not checked here (run `holdout validate` on an export of the cohort for that).\n\n"
    } else if split.isRecorded {
      out += "Recorded split: the cohort's `arm` column was used. It agrees with the hash for \(NumberFormat.grouped(split.agreements)) users and disagrees for \(NumberFormat.grouped(split.disagreements)).\n"
      for example in split.examples { out += "- \(MarkdownText.plain(example))\n" }
      out += "\n"
    }
    for finding in DataFindings.sentences(report.measurement) {
      out += "- \(finding.text)\n"
      for example in finding.examples { out += "  - \(MarkdownText.plain(example))\n" }
    }
  }
}
