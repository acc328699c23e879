import Experiment
import Ingest
import MeasurementModel
import Statistics
import TextOutput

/// The index of a team's running journeys (`holdout report DIR --out OUT`): one row per
/// experiment with its status, primary lifts and incremental totals, and the program total.
public struct ProgramIndex: Sendable {
  /// Where an experiment stands.
  public enum Status: String, Sendable {
    /// A data-quality check failed: fix before reading.
    case dataProblem = "data problem"
    /// A primary metric is conclusively lower in a treatment arm.
    case loss = "conclusive loss"
    /// A primary metric is conclusively higher, and none lower.
    case win = "conclusive win"
    /// Not conclusive while users are still maturing.
    case running
    /// Not conclusive, every entered user observed for the full window.
    case inconclusive
  }

  /// One primary comparison against the control.
  public struct Line: Sendable {
    public let metric: String
    public let kind: MetricDefinition.Kind
    public let arm: String
    public let relative: Effect?
    public let incremental: Effect?
    public let reading: Comparison.Reading
  }

  /// One experiment.
  public struct Entry: Sendable {
    public let key: String
    /// The folder of its reports, relative to the index.
    public let folder: String
    public let status: Status
    public let users: Int
    public let lines: [Line]
    public let failedChecks: [String]
    /// Per primary metric: (kind, incremental estimate summed over arms, its variance).
    let sums: [(kind: MetricDefinition.Kind, estimate: Double, variance: Double)]
  }

  public let entries: [Entry]
  /// Experiment files of the folder that could not be reported, with why (`report DIR` lists
  /// them in the index and exits 65, so a weekly job never loses a journey silently).
  public var failures: [(file: String, message: String)] = []

  /// Builds the index from each experiment's report and the folder it was written to.
  public init(_ items: [(folder: String, report: ExperimentReport)]) {
    entries = items.map { folder, report in
      let control = report.experiment.arms[report.experiment.controlIndex].name
      var lines: [Line] = []
      var open = 0
      var sums: [(kind: MetricDefinition.Kind, estimate: Double, variance: Double)] = []
      for metric in report.metrics where metric.definition.role == .primary {
        open += metric.arms.reduce(0) { $0 + $1.openWindows }
        // Σ over treatment arms of n_i·(mean_i − mean_c): the arms share the control, so
        // Var = Σ n_i²·s_i²/n_i + (Σ n_i)²·s_c²/n_c (unadjusted moments).
        let c = report.experiment.controlIndex
        let moments = metric.arms.map(\.moments)
        func variance(_ m: Moments) -> Double { m.count > 1 ? m.m2 / Double(m.count - 1) : 0 }
        var estimate = 0.0, treated = 0.0, spread = 0.0
        for (i, m) in moments.enumerated() where i != c && m.count > 0 && moments[c].count > 0 {
          let n = Double(m.count)
          estimate += n * (m.mean - moments[c].mean)
          treated += n
          spread += n * variance(m)
        }
        if treated > 0 {
          spread += treated * treated * variance(moments[c]) / Double(moments[c].count)
          sums.append((metric.definition.kind, estimate, spread))
        }
        for c in metric.comparisons where c.control == control {
          // The decision's intervals, as the journey's own report shows them.
          let decision = c.decision
          lines.append(Line(
            metric: metric.definition.name, kind: metric.definition.kind, arm: c.arm, relative: decision.relative,
            incremental: decision.incremental, reading: decision.reading))
        }
      }
      let checks = JourneyChecks(report)
      let status: Status
      if checks.failed {
        status = .dataProblem
      } else if lines.contains(where: { $0.reading == .lower }) {
        status = .loss
      } else if lines.contains(where: { $0.reading == .higher }) {
        status = .win
      } else {
        status = open > 0 ? .running : .inconclusive
      }
      return Entry(
        key: report.experiment.key, folder: folder, status: status, users: report.arms.reduce(0) { $0 + $1.users },
        lines: lines, failedChecks: checks.checks.filter { $0.status == .fail }.map(\.key), sums: sums)
    }
  }

  /// The program total per metric kind: Σ over experiments and treatment arms of
  /// n_arm·(mean_arm − mean_holdout), with a 95% interval. Within an experiment the arms share
  /// their holdout, so the variance counts it once for all arms; across experiments (different
  /// users) variances add. Unadjusted means (no CUPED), normal approximation, fixed-horizon.
  public var totals: [(kind: MetricDefinition.Kind, estimate: Double, lower: Double, upper: Double, journeys: Int)] {
    var result: [(kind: MetricDefinition.Kind, estimate: Double, lower: Double, upper: Double, journeys: Int)] = []
    for kind in [MetricDefinition.Kind.conversion, .count, .revenue, .retention] {
      let sums = entries.flatMap(\.sums).filter { $0.kind == kind }
      guard !sums.isEmpty else { continue }
      let estimate = sums.reduce(0) { $0 + $1.estimate }
      let se = sums.reduce(0) { $0 + $1.variance }.squareRoot()
      let z = Normal.upperQuantile(0.025)
      result.append((kind, estimate, estimate - z * se, estimate + z * se, sums.count))
    }
    return result
  }

  static func unit(_ kind: MetricDefinition.Kind) -> String { Verdict.incrementalUnit(kind) }

  static func lift(_ line: Line) -> String {
    line.relative.map { NumberFormat.percentInterval($0.estimate, $0.lower, $0.upper) } ?? "not computable"
  }

  static func incremental(_ line: Line) -> String {
    let decimals = line.kind.totalDecimals
    return line.incremental.map {
      "\(NumberFormat.signedGrouped($0.estimate, decimals)) (\(NumberFormat.signedGrouped($0.lower, decimals)) to \(NumberFormat.signedGrouped($0.upper, decimals)))"
    } ?? "–"
  }

  /// The index as Markdown.
  public func markdown() -> String {
    var out = "# Journeys\n\n\(entries.count) experiments. Lifts and incremental totals are each journey's primary comparisons against its holdout (randomized, so causal).\n\n"
    var rows: [[String]] = []
    for entry in entries {
      let first = entry.lines.first
      rows.append([
        "[\(MarkdownText.plain(entry.key))](\(entry.folder)/report.md)", entry.status.rawValue
          + (entry.failedChecks.isEmpty ? "" : " (\(entry.failedChecks.joined(separator: ", ")))"),
        NumberFormat.grouped(entry.users),
        first.map { "\(MarkdownText.code($0.metric)) \(MarkdownText.code($0.arm))" } ?? "–",
        first.map(Self.lift) ?? "–", first.map { Self.incremental($0) + " " + Self.unit($0.kind) } ?? "–",
      ])
      for line in entry.lines.dropFirst() {
        rows.append(["", "", "", "\(MarkdownText.code(line.metric)) \(MarkdownText.code(line.arm))", Self.lift(line), Self.incremental(line) + " " + Self.unit(line.kind)])
      }
    }
    out += MarkdownText.table(["experiment", "status", "users", "primary comparison", "relative lift (CI)", "incremental (CI)"], rows, alignRight: [2])
    if !failures.isEmpty {
      out += "\n## Not reported\n\n\(failures.count) experiment \(failures.count == 1 ? "file" : "files") could not be reported; fix \(failures.count == 1 ? "it" : "them") and run again:\n\n"
      for failure in failures { out += "- \(MarkdownText.code(failure.file)): \(MarkdownText.plain(failure.message))\n" }
    }
    out += "\n## Program total\n\n"
    let totals = self.totals
    if totals.isEmpty { out += "No computable primary comparison.\n" }
    for total in totals {
      let decimals = total.kind.totalDecimals
      out += "- \(NumberFormat.signedGrouped(total.estimate, decimals)) incremental \(Self.unit(total.kind)) from \(total.journeys) primary \(total.journeys == 1 ? "metric" : "metrics") (95% CI \(NumberFormat.signedGrouped(total.lower, decimals)) to \(NumberFormat.signedGrouped(total.upper, decimals)); unadjusted means, fixed-horizon normal interval; arms sharing a holdout counted with their covariance).\n"
    }
    return out
  }

  /// The index as a self-contained HTML page.
  public func html() -> String {
    let e = HTMLText.escape
    var rows: [[String]] = []
    for entry in entries {
      for (k, line) in (entry.lines.isEmpty ? [nil] : entry.lines.map { Optional($0) }).enumerated() {
        let name = k == 0 ? "<a href=\"\(e(entry.folder))/report.html\">\(e(entry.key))</a>" : ""
        let status = k == 0 ? e(entry.status.rawValue + (entry.failedChecks.isEmpty ? "" : " (\(entry.failedChecks.joined(separator: ", ")))")) : ""
        rows.append([
          name, status, k == 0 ? NumberFormat.grouped(entry.users) : "",
          line.map { "<code>\(e($0.metric))</code> <code>\(e($0.arm))</code>" } ?? "–",
          line.map { e(Self.lift($0)) } ?? "–", line.map { e(Self.incremental($0) + " " + Self.unit($0.kind)) } ?? "–",
        ])
      }
    }
    var out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Journeys</title>\n<style>\(HTMLReportRenderer.style)</style>\n</head>\n<body>\n<main>\n<h1>Journeys</h1>\n"
    out += "<p>\(entries.count) experiments. Lifts and incremental totals are each journey's primary comparisons against its holdout (randomized, so causal).</p>\n"
    out += HTMLText.table(caption: "Every journey", ["experiment", "status", "users", "primary comparison", "relative lift (CI)", "incremental (CI)"], rows, numeric: [2])
    if !failures.isEmpty {
      out += "<h2>Not reported</h2>\n<p class=\"alert\">\(failures.count) experiment \(failures.count == 1 ? "file" : "files") could not be reported; fix \(failures.count == 1 ? "it" : "them") and run again:</p>\n<ul>\n"
      for failure in failures { out += "<li><code>\(e(failure.file))</code>: \(e(failure.message))</li>\n" }
      out += "</ul>\n"
    }
    out += "<h2>Program total</h2>\n<ul>\n"
    for total in totals {
      let decimals = total.kind.totalDecimals
      out += "<li>\(e(NumberFormat.signedGrouped(total.estimate, decimals))) incremental \(Self.unit(total.kind)) from \(total.journeys) primary \(total.journeys == 1 ? "metric" : "metrics") (95% CI \(e(NumberFormat.signedGrouped(total.lower, decimals))) to \(e(NumberFormat.signedGrouped(total.upper, decimals))); unadjusted, fixed-horizon).</li>\n"
    }
    return out + "</ul>\n</main>\n</body>\n</html>\n"
  }
}
