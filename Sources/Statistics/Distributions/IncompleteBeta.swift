#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The regularized incomplete beta function I_x(a, b).
///
/// I_x(a, b) = x^a (1 − x)^b / (a·B(a, b)) · CF(x), where CF is the continued fraction of
/// *Numerical Recipes* (3rd ed., §6.4, `betacf`) evaluated by the modified Lentz method
/// (Lentz 1976; Thompson & Barnett 1986). For x ≥ (a + 1)/(a + b + 2) the symmetry
/// I_x(a, b) = 1 − I_{1−x}(b, a) is used so the fraction converges quickly.
///
/// Callers that know 1 − x more precisely than x (the Student t tail, where x = ν/(ν + t²) ≈ 1)
/// pass it as `complement` so that no precision is lost forming it.
enum IncompleteBeta {
  /// I_x(a, b) with x and its complement 1 − x given separately. Requires a, b > 0.
  static func regularized(a: Double, b: Double, x: Double, complement y: Double) -> Double {
    if x <= 0 { return 0 }
    if y <= 0 { return 1 }
    if x < (a + 1) / (a + b + 2) {
      return exp(logPrefactor(a: a, b: b, x: x, y: y)) * continuedFraction(a: a, b: b, x: x) / a
    }
    return 1 - exp(logPrefactor(a: b, b: a, x: y, y: x)) * continuedFraction(a: b, b: a, x: y) / b
  }

  /// log( x^a · y^b / B(a, b) ), using log1p where it keeps digits.
  private static func logPrefactor(a: Double, b: Double, x: Double, y: Double) -> Double {
    let logX = x > 0.5 ? log1p(-y) : log(x)
    let logY = y > 0.5 ? log1p(-x) : log(y)
    return a * logX + b * logY - logBeta(a, b)
  }

  /// log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b).
  ///
  /// When one argument is large and the other small, lgamma(a + b) − lgamma(a) cancels badly, so
  /// the Stirling difference (a + b − ½)·log1p(b/a) + b·log a − b + s(a + b) − s(a) is used, with
  /// s(x) = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷).
  static func logBeta(_ a: Double, _ b: Double) -> Double {
    let large = max(a, b)
    let small = min(a, b)
    if large >= 20 && small < large / 4 {
      let lgSmall: Double = lgamma(small)
      let difference =
        (large + small - 0.5) * log1p(small / large) + small * log(large) - small
        + stirlingTail(large + small) - stirlingTail(large)
      return lgSmall - difference
    }
    let la: Double = lgamma(a)
    let lb: Double = lgamma(b)
    let lab: Double = lgamma(a + b)
    return la + lb - lab
  }

  private static func stirlingTail(_ x: Double) -> Double {
    let x2 = x * x
    return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) / x
  }

  private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
    let tiny = 1e-300
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
      let m = Double(m)
      let m2 = 2 * m
      var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
      d = 1 + aa * d
      if abs(d) < tiny { d = tiny }
      c = 1 + aa / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return h
  }
}
