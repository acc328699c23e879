import Experiment
import Statistics
import TextOutput

/// What a report says about one comparison in its summary, decided once and printed by every
/// renderer: the Markdown summary and the HTML Verdict read the same words, and differ only in
/// how a part is styled (`Part.Style`).
///
/// A primary metric's verdict: "`sms` vs `holdout`, `conversion_14d`: +12.4% (95% CI +3.1% to
/// +21.7%), p = 0.0021. The journey caused +124 conversions among 10,000 users (95% CI +31 to
/// +217)." or "… **Not yet conclusive**: the interval includes no effect (incremental
/// conversions: −12 to +57)." A guardrail's: "Guardrail `unsubscribed`, `sms` vs `holdout`:
/// **harm detected** (+8.1%), p = 0.0310" or "no harm detected". Every line names its comparison
/// (the arm and what it is compared with).
public struct Verdict: Sendable {
  /// One run of text and how it is styled.
  public struct Part: Sendable, Equatable {
    /// How a renderer shows a part; the words are the same in every renderer.
    public enum Style: Sendable, Equatable {
      /// Holdout's own words.
      case plain
      /// A user-supplied name (arm, metric): a code span.
      case name
      /// Words that carry the decision ("Not yet conclusive", "harm detected"): strong.
      case decision
      /// The headline figure: plain in Markdown, strong in HTML.
      case figure
    }
    public let text: String
    public let style: Style

    /// A part of `text` in `style`.
    public init(text: String, style: Style) {
      self.text = text
      self.style = style
    }
  }

  /// How the verdict reads, for a renderer's colour or class.
  public enum Tone: String, Sendable {
    /// Conclusive, and the metric went up.
    case higher
    /// Conclusive, and the metric went down.
    case lower
    /// Not conclusive.
    case open
    /// A guardrail moved the harmful way.
    case harm
    /// Nothing could be computed.
    case notComputable
  }

  /// The words, in order.
  public let parts: [Part]
  /// How it reads.
  public let tone: Tone

  /// The verdict of every primary comparison, then of every guardrail comparison, in report
  /// order.
  public static func all(_ report: ExperimentReport) -> [Verdict] {
    let primaries = report.metrics.filter { $0.definition.role == .primary }.flatMap { metric in
      metric.comparisons.map { primary(metric, $0, level: report.confidenceLabel) }
    }
    let guardrails = report.metrics.filter { $0.definition.role == .guardrail }.flatMap { metric in
      metric.comparisons.map { guardrail(metric, $0) }
    }
    return primaries + guardrails
  }

  /// The one line that says which intervals decide (`Decision`), for the top of the summary.
  public static func rule(_ report: ExperimentReport) -> String {
    let analysis = report.experiment.analysis
    let kind = analysis.sequential ? "always valid" : "fixed horizon"
    let family = analysis.correction.map { ", \($0.label)-adjusted across the primary metrics' comparisons" } ?? ""
    return "A comparison is conclusive when its absolute difference's interval (\(report.confidenceLabel), \(kind)\(family)) excludes no effect: the incremental intervals below are that interval, the charts draw it relative to the holdout's mean, and every colour follows it."
  }

  /// A primary metric's comparison.
  static func primary(_ metric: ExperimentReport.MetricResult, _ c: Comparison, level: String) -> Verdict {
    var parts = Builder()
    parts.comparison(c)
    parts.plain(", ")
    parts.name(metric.definition.name)
    let decision = c.decision
    guard let headline = c.absolute.value, let absolute = decision.absolute, let incremental = decision.incremental else {
      parts.plain(": not computable: \(c.absolute.reason ?? "")")
      return Verdict(parts: parts.parts, tone: .notComputable)
    }
    parts.plain(": ")
    let kind = metric.definition.kind
    let label = decision.label(level: level)
    if let relative = decision.relative {
      parts.figure(NumberFormat.signedPercent(relative.estimate))
      parts.plain(" (\(label) \(NumberFormat.signedPercent(relative.lower)) to \(NumberFormat.signedPercent(relative.upper)))")
    } else {
      parts.figure(NumberFormat.difference(absolute.estimate, isRate: kind.isBinary))
      parts.plain(" per user (relative lift not computable: \(c.relative.reason ?? ""))")
    }
    let unit = incrementalUnit(kind)
    let decimals = kind.totalDecimals
    let range = "\(NumberFormat.signedGrouped(incremental.lower, decimals)) to \(NumberFormat.signedGrouped(incremental.upper, decimals))"
    parts.plain(", \(pText(c, headline)). ")
    switch decision.reading {
    case .higher, .lower:
      parts.plain(
        "The journey caused \(NumberFormat.signedGrouped(incremental.estimate, decimals)) \(unit) among \(NumberFormat.grouped(c.treatmentUsers)) users (\(label) \(range)).")
      if decision.relativeStillIncludesZero {
        parts.plain(" The relative lift's own interval still includes no effect: the holdout's rate is uncertain, so the size of the lift is not pinned down yet.")
      }
      return Verdict(parts: parts.parts, tone: decision.reading == .higher ? .higher : .lower)
    default:
      parts.decision("Not yet conclusive")
      parts.plain(": the interval includes no effect (incremental \(unit): \(range)).")
      return Verdict(parts: parts.parts, tone: .open)
    }
  }

  /// A guardrail metric's comparison: harm or not, in the metric's harmful direction.
  static func guardrail(_ metric: ExperimentReport.MetricResult, _ c: Comparison) -> Verdict {
    var parts = Builder()
    parts.plain("Guardrail ")
    parts.name(metric.definition.name)
    parts.plain(", ")
    parts.comparison(c)
    parts.plain(": ")
    if case .notComputable = c.reading {
      parts.plain("not computable: \(c.absolute.reason ?? "")")
      return Verdict(parts: parts.parts, tone: .notComputable)
    }
    let harmful = c.isHarmful(metric.definition.harmful)
    if harmful { parts.decision("harm detected") } else { parts.plain("no harm detected") }
    let relative = c.relative.value.map { " (\(NumberFormat.signedPercent($0.estimate)))" } ?? ""
    parts.plain("\(relative), \(NumberFormat.pEquals(c.absolute.value?.pValue ?? 1))")
    return Verdict(parts: parts.parts, tone: harmful ? .harm : .open)
  }

  /// "p = 0.0021", with the family-adjusted p-value when there is one.
  static func pText(_ c: Comparison, _ effect: Effect) -> String {
    var text = NumberFormat.pEquals(effect.pValue)
    if let adjusted = c.adjustedPValue { text += " (adjusted \(NumberFormat.pValue(adjusted)))" }
    return text
  }

  /// What an incremental total of `kind` counts.
  static func incrementalUnit(_ kind: MetricDefinition.Kind) -> String {
    switch kind {
    case .conversion: return "conversions"
    case .retention: return "retained users"
    case .count: return "events"
    case .revenue: return "revenue"
    }
  }

  /// Collects parts, merging adjacent plain text.
  private struct Builder {
    var parts: [Part] = []
    mutating func add(_ text: String, _ style: Part.Style) {
      if style == .plain, let last = parts.last, last.style == .plain {
        parts[parts.count - 1] = Part(text: last.text + text, style: .plain)
      } else {
        parts.append(Part(text: text, style: style))
      }
    }
    mutating func plain(_ text: String) { add(text, .plain) }
    mutating func name(_ text: String) { add(text, .name) }
    mutating func decision(_ text: String) { add(text, .decision) }
    mutating func figure(_ text: String) { add(text, .figure) }
    /// "`arm` vs `control`".
    mutating func comparison(_ c: Comparison) {
      name(c.arm)
      plain(" vs ")
      name(c.control)
    }
  }
}
