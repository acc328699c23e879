import Experiment
import Statistics

/// The one decision a report makes about a comparison, and the intervals that show it: every
/// sentence (`Verdict`), colour, chart (the forest plot, the weekly history) and the program
/// index read this, never the raw intervals, so the report cannot contradict itself.
///
/// The rule:
/// - The level. Outside a multiple-testing family the intervals are at the analysis' level α
///   (the headline intervals, fixed-horizon or always valid). Inside a family (primary metrics ×
///   comparisons, Holm by default) each comparison's intervals are at α' = α·p/p_adj, the level
///   at which its own test rejects exactly when its adjusted p-value p_adj ≤ α (for Holm and
///   Benjamini–Hochberg p_adj = c·p with c ≥ 1; the interval at α/c excludes 0 exactly when
///   p ≤ α/c, that is when p_adj ≤ α).
/// - Conclusive (`higher`, `lower`) when the absolute difference's interval at that level
///   excludes 0: the test whose p-value the report prints, and the interval of the incremental
///   total (absolute × treatment users) the summary states.
/// - Relative scale. The relative lift's own (delta-method) interval also carries the
///   uncertainty of the holdout's mean, so it can include 0 where the difference is clearly not
///   0 (a small holdout, a rare event: "+612.0% (−362.6% to +1,586.6%)" beside p < 0.0001). It is
///   shown as the relative lift's interval, labelled so, and the sentence says when it still
///   includes 0; charts with a relative axis draw `relativeScale`, the decision's interval
///   divided by the holdout's mean, so a coloured line never crosses 0 against its colour.
///
/// Rejected: deciding on the absolute p-value while printing only the relative interval as the
/// evidence (the report said "+50.0% (95% CI −14.6% to +114.6%), p = 0.0283 … the journey caused
/// +100 conversions"); requiring both intervals to exclude 0 (the clearest harms, against a
/// holdout with almost no events, read "no harm detected"); printing unadjusted intervals
/// beside an adjusted decision ("not yet conclusive: the interval includes no effect (+1 to
/// +57)").
public struct Decision: Sendable {
  /// The two-sided level of the intervals: α, or α·p/p_adj inside a family.
  public let alpha: Double
  /// The family's correction, when the comparison is in one ("Holm").
  public let correction: String?
  /// The absolute difference per user, at `alpha`: the decision's interval.
  public let absolute: Effect?
  /// The relative lift with its own interval at `alpha` (cut at −100%); nil when not computable.
  public let relative: Effect?
  /// The decision's interval on the relative scale: `absolute` divided by the holdout's mean
  /// (nil when that mean is 0). Its estimate is the relative lift's.
  public let relativeScale: Effect?
  /// The incremental total (absolute × treatment users), at `alpha`.
  public let incremental: Effect?
  /// The reading.
  public let reading: Comparison.Reading

  /// The decision of `comparison` (its `adjustedPValue` set when it is in a family).
  init(_ c: Comparison) {
    correction = c.adjustedPValue == nil ? nil : c.correctionLabel
    guard let headline = c.absolute.value else {
      (alpha, absolute, relative, relativeScale, incremental, reading) = (c.alpha, nil, nil, nil, nil, .notComputable)
      return
    }
    // α' = α·p/p_adj (never above α); the headline intervals when there is no family.
    var level = c.alpha
    if let adjusted = c.adjustedPValue, adjusted > 0, headline.pValue < adjusted {
      level = c.alpha * headline.pValue / adjusted
    }
    alpha = level
    func atLevel(_ effect: Effect) -> Effect { level == c.alpha ? effect : c.interval(effect, alpha: level) }
    let absolute = atLevel(headline)
    self.absolute = absolute
    let relative = c.relative.value.map { atLevel($0).possibleChange }
    self.relative = relative
    if c.controlMean != 0, let estimate = relative?.estimate {
      let scale = 1 / abs(c.controlMean)
      relativeScale = Effect(
        estimate: estimate, standardError: absolute.standardError * scale, lower: absolute.lower * scale,
        upper: absolute.upper * scale, pValue: absolute.pValue, degreesOfFreedom: absolute.degreesOfFreedom
      ).possibleChange
    } else {
      relativeScale = nil
    }
    incremental = absolute.scaled(by: Double(c.treatmentUsers))
    let side = Self.side(absolute)
    reading = side == 0 || absolute.estimate == 0 ? .inconclusive : side > 0 ? .higher : .lower
  }

  /// +1 when the interval lies above 0, −1 below, 0 when it includes 0.
  static func side(_ effect: Effect) -> Int { effect.lower > 0 ? 1 : effect.upper < 0 ? -1 : 0 }

  /// True when the comparison is conclusive but the relative lift's own interval still includes
  /// 0 (its size is not pinned down yet).
  public var relativeStillIncludesZero: Bool {
    reading != .inconclusive && reading != .notComputable && relative.map { Self.side($0) == 0 } == true
  }

  /// "95% CI" or "95% CI, Holm-adjusted" (the interval's level is then α·p/p_adj).
  public func label(level: String) -> String {
    correction.map { "\(level) CI, \($0)-adjusted" } ?? "\(level) CI"
  }
}

extension Comparison {
  /// The decision: the level, the intervals the report shows and the reading (`Decision`).
  public var decision: Decision { Decision(self) }

  /// The family's correction, short ("Holm", "Benjamini–Hochberg"), from the family's name.
  var correctionLabel: String {
    guard let family, let open = family.lastIndex(of: "("), family.hasSuffix(")") else { return "multiplicity" }
    return String(family[family.index(after: open)..<family.index(before: family.endIndex)])
  }

  /// `effect` with its interval at two-sided level `alpha`: the same reference the headline used
  /// (Student t with the effect's ν at a fixed horizon, the confidence sequence's half-width when
  /// always valid).
  func interval(_ effect: Effect, alpha level: Double) -> Effect {
    let half: Double
    if let tuning = sequentialTuning {
      // The mixture stays the one tuned for α, so the interval is the p-value's dual.
      half = ConfidenceSequence.halfWidth(
        standardError: effect.standardError, totalUsers: totalUsers, alpha: level,
        rho: ConfidenceSequence.rho(alpha: alpha, tuning: tuning))
    } else if effect.degreesOfFreedom > 0 {
      half = StudentT(degreesOfFreedom: effect.degreesOfFreedom).quantile(1 - level / 2) * effect.standardError
    } else {
      half = Normal.quantile(1 - level / 2) * effect.standardError
    }
    return Effect(
      estimate: effect.estimate, standardError: effect.standardError, lower: effect.estimate - half,
      upper: effect.estimate + half, pValue: effect.pValue, degreesOfFreedom: effect.degreesOfFreedom)
  }
}

extension Effect {
  /// This relative effect with its lower limit cut at −100%: every metric Holdout measures is
  /// at least 0, so its relative change cannot be below −100%. A delta-method interval can reach
  /// below it (a guardrail's "−2,526.7% to +4,340.9%"); the part below holds no possible value,
  /// so cutting it off keeps the interval's coverage. What a report shows; report.json's raw
  /// `relative` keeps GrowthBook's interval as computed.
  public var possibleChange: Effect {
    guard lower < -1 else { return self }
    return Effect(
      estimate: estimate, standardError: standardError, lower: -1, upper: upper, pValue: pValue,
      degreesOfFreedom: degreesOfFreedom)
  }
}

extension Comparison {
  /// How a comparison reads in a table, in the metric's terms: a guardrail's harm is "harm",
  /// never "higher"; a conclusive move the good way is "no harm (lower)"; otherwise "no harm
  /// detected". A primary or secondary metric reads "higher", "lower", "not yet conclusive".
  public func readingWord(harmful direction: MetricDefinition.HarmfulDirection?) -> String {
    switch reading {
    case .notComputable: return "not computable"
    case .inconclusive: return direction == nil ? "not yet conclusive" : "no harm detected"
    case .higher, .lower:
      guard direction != nil else { return reading.rawValue }
      return isHarmful(direction) ? "harm" : "no harm (\(reading.rawValue))"
    }
  }
}
