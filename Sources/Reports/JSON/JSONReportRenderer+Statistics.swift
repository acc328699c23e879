import Experiment
import MeasurementModel
import Statistics
import TextOutput

/// The statistical objects of `report.json`: analysis settings, comparisons with every view of
/// the effect, and the return curves (docs/report-json.md).
extension JSONReportRenderer {
  static func analysis(_ analysis: ExperimentDefinition.Analysis) -> JSONValue {
    .object([
      ("alpha", .number(analysis.alpha)),
      ("interval", .string(analysis.sequential ? "always_valid" : "fixed_horizon")),
      ("sequential_tuning", analysis.sequential ? .number(analysis.sequentialTuning) : .null),
      ("cuped", .bool(analysis.cuped)),
      ("correction", .string(analysis.correction?.rawValue ?? "none")),
      ("segment_correction", .string(analysis.segmentCorrection?.rawValue ?? "none")),
      ("prior", analysis.prior.map { .object([("mean", .number($0.mean)), ("sd", .number($0.standardDeviation))]) } ?? .null),
      ("power", .number(analysis.power)),
    ])
  }

  static func comparison(_ c: Comparison, harmful: MetricDefinition.HarmfulDirection?) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("arm", .string(c.arm)), ("control", .string(c.control)),
      ("absolute", effect(c.absolute, withP: true)),
      ("relative", effect(c.relative, withP: true)),
      ("adjusted_p_value", c.adjustedPValue.map { .number($0) } ?? .null),
      ("family", c.family.map { .string($0) } ?? .null),
      ("fixed_horizon", .object([
        ("absolute", effect(c.welch.fixedAbsolute, withP: true)),
        ("relative", effect(c.welch.fixedRelative, withP: true)),
      ])),
    ]
    if let adjustment = c.adjustment {
      members.append(("cuped", .object([
        ("theta", .number(adjustment.theta)),
        ("variance_reduction", .number(adjustment.varianceReduction)),
        ("unadjusted", .object([
          ("absolute", effect(adjustment.unadjusted.absolute, withP: true)),
          ("relative", effect(adjustment.unadjusted.relative, withP: true)),
        ])),
      ])))
    } else {
      members.append(("cuped", .null))
    }
    members.append(("incremental", effect(c.incremental, withP: false)))
    members.append(("bayesian", bayesian(c.bayesian, lowerIsBetter: harmful == .increase)))
    if let exposure = c.exposure { members.append(("exposure", complier(exposure))) }
    if let economics = c.economics { members.append(("economics", self.economics(economics))) }
    members.append(("mde_relative", computed(c.minimumDetectableEffect) { .number($0) }))
    members.append(("reading", .string(c.reading.rawValue)))
    members.append(("decision", decision(c.decision)))
    if harmful != nil { members.append(("harmful", .bool(c.isHarmful(harmful)))) }
    return .object(members)
  }

  /// The intervals the report decides with and shows (`Decision`): their level (α, or α·p/p_adj
  /// in a family) and the absolute, relative and incremental intervals at it.
  static func decision(_ d: Decision) -> JSONValue {
    func interval(_ e: Effect?) -> JSONValue {
      e.map { .object([("estimate", .number($0.estimate)), ("ci_low", .number($0.lower)), ("ci_high", .number($0.upper))]) } ?? .null
    }
    return .object([
      ("alpha", .number(d.alpha)), ("correction", d.correction.map { .string($0) } ?? .null),
      ("absolute", interval(d.absolute)), ("relative", interval(d.relative)), ("relative_scale", interval(d.relativeScale)),
      ("incremental", interval(d.incremental)),
      ("reading", .string(d.reading.rawValue)),
    ])
  }

  static func effect(_ computed: Computed<Effect>, withP: Bool) -> JSONValue {
    switch computed {
    case .value(let e):
      var members: [(String, JSONValue)] = [
        ("estimate", .number(e.estimate)), ("ci_low", .number(e.lower)),
        ("ci_high", .number(e.upper)), ("se", .number(e.standardError)),
      ]
      if withP {
        members.append(("p_value", .number(e.pValue)))
        members.append(("df", .number(e.degreesOfFreedom)))
      }
      return .object(members)
    case .notComputable(let reason):
      var members: [(String, JSONValue)] = [
        ("estimate", .null), ("ci_low", .null), ("ci_high", .null), ("se", .null),
      ]
      if withP {
        members.append(("p_value", .null))
        members.append(("df", .null))
      }
      members.append(("not_computable", .string(reason)))
      return .object(members)
    }
  }

  /// A computed value through `render`, or `{"not_computable": reason}`.
  static func computed<V>(_ value: Computed<V>, _ render: (V) -> JSONValue) -> JSONValue {
    switch value {
    case .value(let v): return render(v)
    case .notComputable(let reason): return .object([("not_computable", .string(reason))])
    }
  }

  /// The Bayesian view; `chance_of_improvement` reads the chance in the metric's good direction
  /// (down where an increase is harmful), where `chance_to_beat_control` is always P(lift > 0).
  private static func bayesian(_ value: Computed<BayesianSummary>, lowerIsBetter: Bool) -> JSONValue {
    computed(value) { b in
      .object([
        ("chance_to_beat_control", .number(b.chanceToBeatControl)),
        ("chance_of_improvement", .number(b.direction(lowerIsBetter: lowerIsBetter).chanceOfImprovement)),
        ("ci_low", .number(b.credibleLower)), ("ci_high", .number(b.credibleUpper)),
        ("posterior_mean", .number(b.posteriorMean)),
        ("posterior_sd", .number(b.posteriorStandardDeviation)),
        ("risk_control", .number(b.riskOfChoosingControl)),
        ("risk_treatment", .number(b.riskOfChoosingTreatment)),
      ])
    }
  }

  private static func complier(_ e: ComplierEffect) -> JSONValue {
    .object([
      ("exposure_rate", .number(e.exposureRate)),
      ("effect_per_exposed", effect(e.effect, withP: true)),
      ("complier_relative_lift", computed(e.complierRelativeLift) { .number($0) }),
    ])
  }

  private static func economics(_ e: Economics) -> JSONValue {
    func ratio(_ r: Computed<Economics.Ratio>?) -> JSONValue {
      guard let r else { return .null }
      return computed(r) { value in
        .object([
          ("estimate", .number(value.estimate)), ("ci_low", .number(value.lower)),
          ("ci_high", value.upper.map { .number($0) } ?? .null),
        ])
      }
    }
    return .object([
      ("spend", .number(e.spend)),
      ("cost_per_incremental", ratio(e.costPerIncremental)),
      ("return_on_spend", ratio(e.returnOnSpend)),
    ])
  }

  static func survival(_ s: SurvivalSummary) -> JSONValue {
    .object([
      ("events", .array(s.events.map { .string($0) })),
      ("days", .number(s.days)),
      ("curves", .array(s.curves.map { curve in
        .object([
          ("arm", .string(curve.arm)), ("users", .int(curve.users)), ("returns", .int(curve.returns)),
          ("points", .array(curve.points.map { point in
            .object([
              ("day", .number(point.day)), ("at_risk", .int(point.atRisk)),
              ("returned", .number(point.returned)),
              ("ci_low", point.band.map { .number($0.lower) } ?? .null),
              ("ci_high", point.band.map { .number($0.upper) } ?? .null),
            ])
          })),
        ])
      })),
      ("log_rank", .array(s.tests.map { arm, result -> JSONValue in
        switch result {
        case .value(let test):
          return .object([
            ("arm", .string(arm)), ("chi_square", .number(test.chiSquare)),
            ("df", .int(test.degreesOfFreedom)), ("p_value", .number(test.pValue)),
          ])
        case .notComputable(let reason):
          return .object([("arm", .string(arm)), ("not_computable", .string(reason))])
        }
      })),
    ])
  }
}
