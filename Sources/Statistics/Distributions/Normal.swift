#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The standard normal distribution N(0, 1).
///
/// - `cdf(x)` = Φ(x) = ½·erfc(−x/√2) and `sf(x)` = 1 − Φ(x) = ½·erfc(x/√2), computed from `erfc`
///   so that both tails keep full relative precision (never as `1 − cdf`).
/// - `quantile(p)` = Φ⁻¹(p) is Wichura's AS241 (PPND16), *Applied Statistics* 37:477–484 (1988),
///   with the coefficients of R's `qnorm.c`; relative error below 1e-15 for p ∈ [1e-300, 1 − 1e-15].
public enum Normal {
  /// The density φ(x) = exp(−x²/2)/√(2π).
  public static func pdf(_ x: Double) -> Double {
    exp(-0.5 * x * x) / (2.0 * Double.pi).squareRoot()
  }

  /// Φ(x), the probability that a standard normal variable is at most `x`.
  public static func cdf(_ x: Double) -> Double {
    0.5 * erfc(-x / 2.0.squareRoot())
  }

  /// 1 − Φ(x), the upper tail, accurate for large positive `x`.
  public static func sf(_ x: Double) -> Double {
    0.5 * erfc(x / 2.0.squareRoot())
  }

  /// Φ⁻¹(p). Returns −∞ for p = 0, +∞ for p = 1 and NaN outside [0, 1].
  public static func quantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      return q * polynomial(a, r) / polynomial(b, r)
    }
    var r = q < 0 ? p : 1 - p
    r = (-log(r)).squareRoot()
    var x: Double
    if r <= 5 {
      r -= 1.6
      x = polynomial(c, r) / polynomial(d, r)
    } else {
      r -= 5
      x = polynomial(e, r) / polynomial(f, r)
    }
    if q < 0 { x = -x }
    return x
  }

  /// Φ⁻¹(1 − q) for a small upper-tail probability `q`, without forming 1 − q.
  public static func upperQuantile(_ q: Double) -> Double {
    -quantile(q)
  }

  /// Evaluates Σ cᵢ·xⁱ (coefficients in ascending powers) by Horner's rule.
  @inline(__always)
  static func polynomial(_ coefficients: [Double], _ x: Double) -> Double {
    var result = 0.0
    for coefficient in coefficients.reversed() { result = result * x + coefficient }
    return result
  }

  private static let a: [Double] = [
    3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
    13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
    33430.575583588128105, 2509.0809287301226727,
  ]
  private static let b: [Double] = [
    1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
    21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
    5226.495278852854561,
  ]
  private static let c: [Double] = [
    1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
    3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
    0.0227238449892691845833, 7.7454501427834140764e-4,
  ]
  private static let d: [Double] = [
    1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
    0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
    1.05075007164441684324e-9,
  ]
  private static let e: [Double] = [
    6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
    0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
    2.71155556874348757815e-5, 2.01033439929228813265e-7,
  ]
  private static let f: [Double] = [
    1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
    7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
    2.04426310338993978564e-15,
  ]
}
