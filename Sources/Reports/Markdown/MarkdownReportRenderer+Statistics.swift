import Experiment
import MeasurementModel
import Statistics
import TextOutput

/// The statistical parts of `report.md`: how the analysis was done, the per-comparison details
/// (CUPED, Bayesian view, effect per reached user, costs, detectable effect) and the return
/// curves.
extension MarkdownReportRenderer {
  /// The header lines stating the interval mode, adjustment and corrections.
  static func analysisLines(_ report: ExperimentReport) -> String {
    let analysis = report.experiment.analysis
    var out = ""
    if analysis.sequential {
      out += "- Intervals: \(report.confidenceLabel) two-sided, **always valid** (GrowthBook's asymptotic confidence sequence, N* = \(NumberFormat.grouped(analysis.sequentialTuning))): safe to read every week; p-values are always-valid too\n"
    } else {
      out += "- Intervals: \(report.confidenceLabel) two-sided, Welch t (fixed horizon: valid for one planned look only)\n"
    }
    out += analysis.cuped
      ? "- Variance reduction: CUPED with each metric's pre-period value (θ pooled over the two compared arms) where pre-period data exists\n"
      : "- Variance reduction: off (unadjusted estimates)\n"
    let primary = analysis.correction.map { "\($0.label) across primary metrics × comparisons (each arm against the control, and any arm-versus-arm comparison)" } ?? "none for primary metrics"
    let segment = analysis.segmentCorrection.map { "\($0.label) across segments" } ?? "none for segments"
    out += "- Multiple testing: \(primary); \(segment)\n"
    let prior = analysis.prior.map {
      "normal prior on the relative lift, mean \(NumberFormat.signedPercent($0.mean)), sd \(NumberFormat.percent($0.standardDeviation, 1))"
    } ?? "flat prior"
    out += "- Bayesian view: normal approximation, \(prior)\n"
    return out
  }

  /// "`sms_email` vs `holdout`": a comparison's arm and what it is compared with.
  static func comparisonLabel(_ c: Comparison) -> String {
    "\(MarkdownText.code(c.arm)) vs \(MarkdownText.code(c.control))"
  }

  /// A bullet list under a metric's comparison table.
  static func details(
    _ metric: ExperimentReport.MetricResult, analysis: ExperimentDefinition.Analysis, level: String
  ) -> String {
    let d = metric.definition
    let isRate = d.kind.isBinary
    var out = ""
    for c in metric.comparisons {
      guard c.absolute.value != nil else { continue }
      var items: [String] = []
      if let adjustment = c.adjustment {
        var text = "CUPED θ = \(NumberFormat.significant(adjustment.theta, 4)) reduced the variance by \(NumberFormat.percent(adjustment.varianceReduction, 1))"
        if let r = adjustment.unadjusted.relative.value {
          text += "; unadjusted relative \(interval(r, label: "\(level) CI ") { NumberFormat.signedPercent($0) })"
        }
        items.append(text)
      }
      if analysis.sequential, let fixed = c.welch.fixedRelative.value {
        items.append("fixed-horizon interval, valid only for a single planned look: \(interval(fixed, label: "\(level) CI ") { NumberFormat.signedPercent($0) })")
      }
      switch c.bayesian {
      case .value(let b):
        // Where an increase is harmful, lower is better: beating the control means going down.
        let lowerIsBetter = d.harmful == .increase
        let r = b.direction(lowerIsBetter: lowerIsBetter)
        // A guardrail says the chance of harm: "chance to beat (lower is better): 18.9%" beside
        // "harm detected" read as a contradiction.
        let chance = d.harmful != nil
          ? "chance of harm (\(MarkdownText.code(c.arm)) worse than \(MarkdownText.code(c.control))): \(NumberFormat.percent(1 - r.chanceOfImprovement, 1))"
          : "chance to beat \(MarkdownText.code(c.control)): \(NumberFormat.percent(r.chanceOfImprovement, 1))"
        items.append("\(chance); \(level) credible interval \(NumberFormat.signedPercent(b.credibleLower)) to \(NumberFormat.signedPercent(b.credibleUpper)); expected loss (relative) if shipped \(NumberFormat.percent(r.lossIfShipped, 2)), if held back \(NumberFormat.percent(r.lossIfHeldBack, 2))")
      case .notComputable(let reason):
        items.append("Bayesian view not computable: \(MarkdownText.plain(reason))")
      }
      if let exposure = c.exposure {
        switch exposure.effect {
        case .value(let e):
          items.append("reached \(NumberFormat.percent(exposure.exposureRate, 1)) of the arm; effect per reached user (ITT ÷ reach rate, assumes the journey only affects users it reached) \(interval(e, label: "\(level) CI ") { NumberFormat.difference($0, isRate: isRate) })")
        case .notComputable(let reason):
          items.append("effect per reached user not computable: \(MarkdownText.plain(reason))")
        }
      }
      if let economics = c.economics {
        items.append(economicsText(economics, level: level))
      }
      switch c.minimumDetectableEffect {
      case .value(let mde):
        items.append("smallest relative effect this comparison detects with \(NumberFormat.percent(analysis.power, 0)) power: ±\(NumberFormat.percent(mde, 1))")
      case .notComputable: break
      }
      out += "\(comparisonLabel(c)):\n"
      for item in items { out += "- \(item)\n" }
      out += "\n"
    }
    return out
  }

  private static func economicsText(_ e: Economics, level: String) -> String {
    var text = "message cost \(NumberFormat.grouped(e.spend, 2))"
    if let cost = e.costPerIncremental {
      switch cost {
      case .value(let r):
        let upper = r.upper.map { NumberFormat.grouped($0, 2) } ?? "unbounded"
        text += "; cost per incremental result \(NumberFormat.grouped(r.estimate, 2)) (\(level) CI \(NumberFormat.grouped(r.lower, 2)) to \(upper))"
      case .notComputable(let reason):
        text += "; cost per incremental result not computable: \(MarkdownText.plain(reason))"
      }
    }
    if case .value(let r)? = e.returnOnSpend {
      text += "; incremental return on spend \(NumberFormat.fixed(r.estimate, 2)) (\(level) CI \(NumberFormat.fixed(r.lower, 2)) to \(NumberFormat.fixed(r.upper ?? r.estimate, 2)))"
    }
    return text
  }

  /// The return curves and log-rank tests.
  static func survival(_ report: ExperimentReport, into out: inout String) {
    guard let survival = report.survival else { return }
    let events = survival.events.map(MarkdownText.code).joined(separator: ", ")
    out += "## Return curves\n\n"
    out += "Share of users with a \(events) after entry, by days since entry (Kaplan–Meier, censored at each user's follow-up of up to \(NumberFormat.significant(survival.days, 4)) days, so recent entrants count too; \(report.confidenceLabel) Greenwood log-log bands).\n\n"
    let days = survival.curves.first?.points.map(\.day) ?? []
    let header = ["arm", "users", "returns"] + days.map { "day \(NumberFormat.significant($0, 4))" }
    let rows = survival.curves.map { curve in
      [MarkdownText.code(curve.arm), NumberFormat.grouped(curve.users), NumberFormat.grouped(curve.returns)]
        + curve.points.map { point in
          let band = point.band.map { " (\(NumberFormat.percent($0.lower, 1))–\(NumberFormat.percent($0.upper, 1)))" } ?? ""
          return NumberFormat.percent(point.returned, 1) + band
        }
    }
    out += MarkdownText.table(header, rows, alignRight: Set(1..<header.count))
    let high = survival.curves.flatMap { $0.points.map(\.returned) }.max() ?? 0
    out += "\nShare returned over days \(days.map { NumberFormat.significant($0, 4) }.joined(separator: ", ")) (same scale for every arm, 0 to \(NumberFormat.percent(high, 1))):\n\n"
    for curve in survival.curves {
      out += "- \(MarkdownText.code(curve.arm)) `\(Sparkline.render(curve.points.map(\.returned), low: 0, high: high))`\n"
    }
    out += "\n"
    for (arm, result) in survival.tests {
      switch result {
      case .value(let test):
        out += "- Log-rank, \(MarkdownText.code(arm)) vs control: χ² = \(NumberFormat.fixed(test.chiSquare, 3)), df = \(test.degreesOfFreedom), \(NumberFormat.pEquals(test.pValue))\n"
      case .notComputable(let reason):
        out += "- Log-rank, \(MarkdownText.code(arm)) vs control: not computable: \(MarkdownText.plain(reason))\n"
      }
    }
    out += "\n"
  }
}

extension MultipleTesting {
  /// The method's name in reports.
  public var label: String {
    switch self {
    case .holm: return "Holm"
    case .benjaminiHochberg: return "Benjamini–Hochberg"
    }
  }
}
