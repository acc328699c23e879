/// The relative lift L = Δ/|ȳ_C| and its standard error by the delta method, CUPED-aware; its
/// interval is L ± (critical value)·SE, fixed-horizon or always valid, built by `WelchComparison`
/// like the absolute difference's.
///
/// With θ the CUPED coefficient, v_T = s²_T/n_T the treatment mean's (adjusted) variance and
/// r = ȳ_T/ȳ_C:
///
///   Var(L) = v_T/ȳ_C² + max(0, s²_{y,C}·r² − 2θ·s_{xy,C}·r + θ²s²_{x,C})/(n_C·ȳ_C²)
///
/// (gbstats `frequentist_variance_relative_cuped`; with θ = 0 it is the familiar
/// v_T/ȳ_C² + v_C·ȳ_T²/ȳ_C⁴). The control's term is clamped at 0: with a strongly correlated
/// pre-period it can round below 0, which no variance is. Undefined, with the reason, when the
/// control mean is 0, and when the variance is 0 or not finite.
public enum RelativeLift {
  /// The lift and its standard error, or why there is none.
  public static func estimate(
    difference: Double, control: ArmStatistic, treatment: ArmStatistic, theta: Double, treatmentVariance vT: Double
  ) -> Result<(lift: Double, standardError: Double), NotDefined> {
    let c = control.mean
    guard c != 0 else { return .failure(NotDefined(reason: "the control mean is 0, so a relative lift is undefined")) }
    let ratio = treatment.mean / c
    let controlTerm =
      (control.variance * ratio * ratio - 2 * theta * control.covariance * ratio
        + theta * theta * control.preVariance) / Double(control.count)
    let relativeVariance = (vT + max(0, controlTerm)) / (c * c)
    let standardError = relativeVariance.squareRoot()
    guard standardError > 0, standardError.isFinite else {
      return .failure(NotDefined(reason: "the relative lift has zero variance"))
    }
    return .success((difference / abs(c), standardError))
  }

  /// Why a relative lift is not defined.
  public struct NotDefined: Error, Sendable, Equatable {
    public let reason: String
  }
}
