/// The effect on the users the journey actually reached: the complier average causal effect
/// with one-sided non-compliance (holdout users cannot be reached), Bloom (1984) / Wald IV,
/// statistics.md §8.
///
/// With exposure rate c = d̄_T (reached share of the treatment arm), ITT = ȳ_T − ȳ_C:
/// - CACE = ITT / c;
/// - delta-method variance Var = [Var(ITT) − 2·CACE·Cov(ȳ_T, d̄_T) + CACE²·Var(d̄_T)]/c², with
///   Var(ITT) = s²_{Y,T}/n_T + s²_{Y,C}/n_C, Cov(ȳ_T, d̄_T) = s_{YD,T}/n_T,
///   Var(d̄_T) = s²_{D,T}/n_T (n − 1 sample (co)variances); normal (z) interval and p-value;
/// - Bloom's simpler SE(ITT)/c, treating c as known, for reference;
/// - never-taker mean ȳ_NT (unreached treatment users), the compliers' untreated mean
///   (ȳ_C − (1 − c)·ȳ_NT)/c and the relative lift among compliers CACE / that mean
///   (Imbens & Rubin 1997).
/// Assumptions: randomized assignment, and messages affect only users they reach (exclusion
/// restriction; define exposure as delivery, not opens). `Effect.degreesOfFreedom` is 0, meaning
/// a normal reference distribution.
public struct ComplierEffect: Sendable, Equatable {
  /// The treatment arm's reached share c.
  public let exposureRate: Double
  /// CACE with its delta-method interval.
  public let effect: Computed<Effect>
  /// SE(ITT)/c.
  public let bloomStandardError: Computed<Double>
  /// The mean of unreached treatment users.
  public let neverTakerMean: Computed<Double>
  /// The compliers' mean without treatment, E[Y(0) | complier].
  public let complierControlMean: Computed<Double>
  /// CACE / complierControlMean.
  public let complierRelativeLift: Computed<Double>

  /// Computes the effect from per-arm sums; `treatmentExposedSum` is Σy over reached treatment
  /// users (Σ y·d).
  public init(
    treatmentUsers: Int, treatmentSum: Double, treatmentSumOfSquares: Double,
    treatmentExposed: Int, treatmentExposedSum: Double, controlUsers: Int, controlSum: Double,
    controlSumOfSquares: Double, alpha: Double
  ) {
    let nT = Double(treatmentUsers), nC = Double(controlUsers)
    exposureRate = treatmentUsers > 0 ? Double(treatmentExposed) / nT : 0
    let c = exposureRate
    let unreached = treatmentUsers - treatmentExposed
    neverTakerMean = unreached > 0
      ? .value((treatmentSum - treatmentExposedSum) / Double(unreached))
      : .notComputable("every treatment user was reached, so there are no never-takers")
    guard treatmentUsers >= 2, controlUsers >= 2 else {
      let reason = "each arm needs at least 2 users"
      (effect, bloomStandardError, complierControlMean, complierRelativeLift) = (
        .notComputable(reason), .notComputable(reason), .notComputable(reason), .notComputable(reason)
      )
      return
    }
    guard c > 0 else {
      let reason = "no treatment user was reached, so there is no effect per reached user"
      (effect, bloomStandardError, complierControlMean, complierRelativeLift) = (
        .notComputable(reason), .notComputable(reason), .notComputable(reason), .notComputable(reason)
      )
      return
    }
    let meanT = treatmentSum / nT, meanC = controlSum / nC
    let varT = max(0, (treatmentSumOfSquares - nT * meanT * meanT) / (nT - 1))
    let varC = max(0, (controlSumOfSquares - nC * meanC * meanC) / (nC - 1))
    let varD = nT * c * (1 - c) / (nT - 1)
    let covYD = (treatmentExposedSum - nT * meanT * c) / (nT - 1)
    let itt = meanT - meanC
    let ittVariance = varT / nT + varC / nC
    let cace = itt / c
    let variance = (ittVariance - 2 * cace * covYD / nT + cace * cace * varD / nT) / (c * c)
    bloomStandardError = .value(ittVariance.squareRoot() / c)
    if variance > 0 && variance.isFinite {
      let se = variance.squareRoot()
      let z = Normal.quantile(1 - alpha / 2)
      effect = .value(
        Effect(
          estimate: cace, standardError: se, lower: cace - z * se, upper: cace + z * se,
          pValue: 2 * Normal.sf(abs(cace / se)), degreesOfFreedom: 0))
    } else {
      effect = .notComputable("the effect per reached user has zero variance")
    }
    switch neverTakerMean {
    case .value(let neverTaker):
      let complierMean = (meanC - (1 - c) * neverTaker) / c
      complierControlMean = .value(complierMean)
      complierRelativeLift = complierMean != 0
        ? .value(cace / complierMean)
        : .notComputable("the compliers' untreated mean is 0")
    case .notComputable:
      complierControlMean = .value(meanC)
      complierRelativeLift = meanC != 0 ? .value(cace / meanC) : .notComputable("the control mean is 0")
    }
  }
}
