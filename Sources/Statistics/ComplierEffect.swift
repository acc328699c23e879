/// The effect on the exposed (complier average causal effect, CACE / treatment-on-the-treated)
/// when only part of the treatment arm was actually exposed (e.g. the message was delivered) and
/// nobody in the holdout was: one-sided non-compliance, statistics.md#effect-per-reached-user-cace.
///
/// Inputs are per-arm sums: for the treatment arm n_T, Σy, Σy², the number exposed n_E = Σd and
/// Σy·d (the outcome summed over exposed users); for the holdout n_C, Σy, Σy². With c = n_E/n_T:
/// - ITT = ȳ_T − ȳ_C, Var(ITT) = s²_{Y,T}/n_T + s²_{Y,C}/n_C;
/// - CACE = ITT/c (Bloom 1984, *Evaluation Review* 8:225–246; the Wald IV estimator; Angrist,
///   Imbens & Rubin 1996, *JASA* 91:444–455 for the assumptions: random assignment, exclusion
///   restriction — define exposure as "delivered", not "opened" — and monotonicity);
/// - full delta-method variance Var(CACE) = [Var(ITT) − 2·CACE·Cov(ȳ_T, d̄_T) + CACE²·Var(d̄_T)]/c²
///   with Cov(ȳ_T, d̄_T) = s_{YD,T}/n_T and Var(d̄_T) = s²_{D,T}/n_T = c(1 − c)/(n_T − 1), all with
///   n − 1 sample (co)variances (R11); Bloom's simpler SE(ITT)/c treats c as known;
/// - CI = CACE ± z_{1−α/2}·SE and p = 2·(1 − Φ(|CACE/SE|)), normal reference (asymptotically equal
///   to 2SLS with robust SEs). The `Effect`s carry `degreesOfFreedom` = 0 to mean "normal, no t";
///   `intentToTreat` uses the same z convention. With a `sequentialTuning` N*, both intervals and
///   p-values are GrowthBook's always-valid confidence sequence instead (`ConfidenceSequence`, N =
///   n_T + n_C, the same SEs: the sequence needs only an asymptotically normal estimate), so a
///   report whose intervals are always valid says so truthfully of these too;
/// - never-taker mean ȳ_NT = mean of the unexposed treatment users; complier control mean
///   E[Y(0) | complier] = (ȳ_C − (1 − c)·ȳ_NT)/c (Imbens & Rubin 1997, *Ann. Statist.* 25:305–327;
///   equal to ȳ_C when c = 1); relative lift among compliers = CACE / E[Y(0) | complier].
///
/// Reporting identity: ITT·n_T = CACE·n_E (incremental outcomes are the same either way).
///
/// Degenerate input is explicit (`.notComputable` with the reason, never NaN or ∞): fewer than 2
/// users in an arm, an exposed count outside [0, n_T], non-finite sums, zero variance, c = 0
/// (nobody exposed: no effect on the exposed), nobody unexposed (no never-taker mean), and a zero
/// complier control mean (no relative lift). `alpha` must be in (0, 1) (precondition).
public struct ComplierEffect: Sendable, Equatable {
  /// c = n_E/n_T, the share of the treatment arm that was exposed; 0 without treatment users.
  public let exposureRate: Double
  /// The intention-to-treat difference ȳ_T − ȳ_C with its z interval.
  public let intentToTreat: Computed<Effect>
  /// CACE = ITT/c with the full delta-method standard error, z interval and p-value.
  public let effect: Computed<Effect>
  /// Bloom's standard error SE(ITT)/c (exposure rate treated as known).
  public let bloomStandardError: Computed<Double>
  /// ȳ_NT, the mean outcome of unexposed treatment users.
  public let neverTakerMean: Computed<Double>
  /// E[Y(0) | complier] = (ȳ_C − (1 − c)·ȳ_NT)/c.
  public let complierControlMean: Computed<Double>
  /// CACE / E[Y(0) | complier], the relative lift among the exposed.
  public let complierRelativeLift: Computed<Double>

  /// Estimates the effect on the exposed from per-arm sums (see the type's documentation).
  public init(
    treatmentUsers: Int, treatmentSum: Double, treatmentSumOfSquares: Double,
    treatmentExposed: Int, treatmentExposedSum: Double,
    controlUsers: Int, controlSum: Double, controlSumOfSquares: Double,
    alpha: Double, sequentialTuning: Double? = nil
  ) {
    precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1)")
    let nT = Double(treatmentUsers)
    exposureRate =
      treatmentUsers > 0 && treatmentExposed >= 0 && treatmentExposed <= treatmentUsers
      ? Double(treatmentExposed) / nT : 0

    let sums = [
      treatmentSum, treatmentSumOfSquares, treatmentExposedSum, controlSum, controlSumOfSquares,
    ]
    var problem: String?
    if treatmentUsers < 2 || controlUsers < 2 {
      let (arm, count) =
        treatmentUsers < 2 ? ("the treatment arm", treatmentUsers) : ("the holdout", controlUsers)
      problem = "\(arm) has \(count) user\(count == 1 ? "" : "s"); at least 2 per arm are needed"
    } else if treatmentExposed < 0 || treatmentExposed > treatmentUsers {
      problem =
        "the exposed count \(treatmentExposed) is outside 0…\(treatmentUsers), the treatment arm's size"
    } else if sums.contains(where: { !$0.isFinite }) {
      problem = "a sum is not finite"
    }
    if let problem {
      intentToTreat = .notComputable(problem)
      effect = .notComputable(problem)
      bloomStandardError = .notComputable(problem)
      neverTakerMean = .notComputable(problem)
      complierControlMean = .notComputable(problem)
      complierRelativeLift = .notComputable(problem)
      return
    }

    let treatment = Moments(
      count: treatmentUsers, sum: treatmentSum, sumOfSquares: treatmentSumOfSquares)
    let control = Moments(count: controlUsers, sum: controlSum, sumOfSquares: controlSumOfSquares)
    let nE = Double(treatmentExposed)
    let c = exposureRate
    let z = Normal.upperQuantile(alpha / 2)
    let totalUsers = treatmentUsers + controlUsers
    // Fixed-horizon z interval, or the always-valid sequence when the report peeks.
    func interval(_ estimate: Double, _ se: Double) -> Computed<Effect> {
      guard let tuning = sequentialTuning else { return .value(Self.normalEffect(estimate, se, z)) }
      return ConfidenceSequence.effect(
        estimate: estimate, standardError: se, totalUsers: totalUsers, alpha: alpha, tuning: tuning)
    }
    let itt = treatment.mean - control.mean
    let varianceITT = treatment.sampleVariance / nT + control.sampleVariance / Double(controlUsers)

    let unexposed = treatmentUsers - treatmentExposed
    neverTakerMean =
      unexposed > 0
      ? .value((treatmentSum - treatmentExposedSum) / Double(unexposed))
      : .notComputable("every treatment user was exposed, so there are no never-takers")

    if varianceITT > 0 && varianceITT.isFinite {
      intentToTreat = interval(itt, varianceITT.squareRoot())
    } else {
      intentToTreat = .notComputable("every user in both arms has the same value (zero variance)")
    }

    guard c > 0 else {
      let reason =
        "no treatment user was exposed (exposure rate 0), so the effect on the exposed is undefined"
      effect = .notComputable(reason)
      bloomStandardError = .notComputable(reason)
      complierControlMean = .notComputable(reason)
      complierRelativeLift = .notComputable(reason)
      return
    }

    let cace = itt / c
    if case .value(let i) = intentToTreat {
      bloomStandardError = .value(i.standardError / c)
      // Cov(ȳ_T, d̄_T) = s_YD/n_T and Var(d̄_T) = s²_D/n_T, n − 1 divisors.
      let covariance = (treatmentExposedSum - treatmentSum * nE / nT) / (nT - 1) / nT
      let varianceExposure = nE * (nT - nE) / (nT * (nT - 1)) / nT
      let variance = (varianceITT - 2 * cace * covariance + cace * cace * varianceExposure) / (c * c)
      if variance > 0 && variance.isFinite {
        effect = interval(cace, variance.squareRoot())
      } else {
        effect = .notComputable("the effect on the exposed has zero variance")
      }
    } else {
      let reason = intentToTreat.reason ?? "the intention-to-treat effect is not computable"
      bloomStandardError = .notComputable(reason)
      effect = .notComputable(reason)
    }

    let complierMean: Double
    if let neverTaker = neverTakerMean.value {
      complierMean = (control.mean - (1 - c) * neverTaker) / c
    } else {
      complierMean = control.mean  // c = 1: every treatment user is a complier
    }
    guard complierMean.isFinite else {
      complierControlMean = .notComputable("the compliers' mean without treatment is not finite")
      complierRelativeLift = .notComputable("the compliers' mean without treatment is not finite")
      return
    }
    complierControlMean = .value(complierMean)
    if complierMean == 0 {
      complierRelativeLift = .notComputable(
        "the compliers' mean without treatment is 0, so a relative lift is undefined")
    } else {
      complierRelativeLift = .value(cace / complierMean)
    }
  }

  /// estimate ± z·SE with the two-sided normal p-value; degreesOfFreedom 0 = normal reference.
  private static func normalEffect(_ estimate: Double, _ se: Double, _ z: Double) -> Effect {
    Effect(
      estimate: estimate, standardError: se, lower: estimate - z * se, upper: estimate + z * se,
      pValue: 2 * Normal.sf(abs(estimate / se)), degreesOfFreedom: 0)
  }
}
