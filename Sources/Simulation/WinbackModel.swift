#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The generative model behind `holdout simulate`: a win-back journey with a 10 % holdout and
/// arms `sms` and `sms_email`, whose true effects are known in closed form.
///
/// Per user: a lapse segment s (lapsed_60 / lapsed_90 / lapsed_180 with shares 45/35/20 %) and an
/// activity frailty g ~ Gamma(2, ½) (mean 1) shared by orders and sessions. Orders arrive as a
/// Poisson process of rate g·λ_s per day, sessions of rate g·σ_s; in the first 30 days after
/// entry a treatment arm multiplies the order rate by (1 + L_arm) and the session rate by
/// (1 + L_arm/2), where L_sms_email = `lift` and L_sms = 0.6·`lift`. Order values are
/// lognormal(3.9, 0.6), mean e^{4.08} ≈ 59.15.
///
/// Because g is Gamma(k = 2, θ = ½), P(no event in a window of d days at rate r·g) is the Laplace
/// transform (1 + d·r·θ)^{−k}, so each metric's true arm mean is exact:
/// - conversion_14d: 1 − (1 + 14·λ_s(1 + L)·θ)^{−2}, averaged over segments;
/// - retained_d7 (a session in [7, 14) days): 1 − (1 + 7·σ_s(1 + L/2)·θ)^{−2};
/// - retained_d30 (a session in [30, 37) days): 1 − (1 + 7·σ_s·θ)^{−2}, identical in every arm;
/// - revenue_30d (uncapped): 30·λ_s(1 + L)·59.15.
public struct WinbackModel: Sendable {
  /// The lapse segments.
  public static let segments = ["lapsed_60", "lapsed_90", "lapsed_180"]
  /// Their shares of the audience.
  public static let segmentShares = [0.45, 0.35, 0.20]
  /// Baseline orders per user-day, by segment.
  public static let orderRates = [0.0035, 0.0025, 0.0012]
  /// Baseline sessions per user-day, by segment.
  public static let sessionRates = [0.06, 0.04, 0.025]
  /// Frailty shape k and scale θ.
  public static let frailtyShape = 2
  public static let frailtyScale = 0.5
  /// Order value lognormal parameters.
  public static let valueMu = 3.9
  public static let valueSigma = 0.6
  /// Days after entry during which treatment changes behaviour.
  public static let effectDays = 30.0

  /// The arms: name, weight, control flag, and their share of the planted lift.
  public static let arms: [(name: String, weight: Double, control: Bool, liftShare: Double)] = [
    ("holdout", 0.10, true, 0), ("sms", 0.45, false, 0.6), ("sms_email", 0.45, false, 1.0),
  ]

  /// The planted relative lift of the order rate in the `sms_email` arm.
  public let lift: Double

  /// The session-rate multiplier (1 in the fixture; larger in benchmarks).
  public let activity: Double

  /// A model with planted `lift` (0 gives an A/A experiment) and session `activity`.
  public init(lift: Double, activity: Double = 1) {
    self.lift = lift
    self.activity = activity
  }

  /// The order-rate multiplier of arm `index` during the effect period.
  public func orderMultiplier(arm index: Int) -> Double { 1 + lift * Self.arms[index].liftShare }

  /// The session-rate multiplier of arm `index` during the effect period.
  public func sessionMultiplier(arm index: Int) -> Double { 1 + 0.5 * lift * Self.arms[index].liftShare }

  /// P(at least one event in `days` days at per-day rate `rate`·g), averaged over g.
  static func atLeastOne(rate: Double, days: Double) -> Double {
    1 - pow(1 + days * rate * frailtyScale, -Double(frailtyShape))
  }

  /// The true mean of `metric` in arm `index`, or nil for metrics without a closed form.
  public func trueMean(metric: String, arm index: Int) -> Double? {
    var total = 0.0
    for (s, share) in Self.segmentShares.enumerated() {
      let value: Double
      switch metric {
      case "conversion_14d":
        value = Self.atLeastOne(rate: Self.orderRates[s] * orderMultiplier(arm: index), days: 14)
      case "retained_d7":
        value = Self.atLeastOne(rate: Self.sessionRates[s] * activity * sessionMultiplier(arm: index), days: 7)
      case "retained_d30":
        value = Self.atLeastOne(rate: Self.sessionRates[s] * activity, days: 7)
      case "revenue_30d":
        value = 30 * Self.orderRates[s] * orderMultiplier(arm: index) * exp(Self.valueMu + Self.valueSigma * Self.valueSigma / 2)
      default:
        return nil
      }
      total += share * value
    }
    return total
  }
}
