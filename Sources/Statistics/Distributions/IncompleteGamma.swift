#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
///
/// For x < a + 1 the series P = e^{−x} x^a / Γ(a + 1) · Σₙ xⁿ / ((a + 1)…(a + n)) converges
/// fast; otherwise Q is evaluated by its continued fraction with the modified Lentz method
/// (*Numerical Recipes* `gser`/`gcf`). In each region the function that converges there is
/// computed directly and the other tail is its complement. A small upper tail Q only occurs for
/// x > a + 1, where Q itself comes from the continued fraction, so tiny p-values (SRM p = 1e-20)
/// keep their relative precision; a small P only occurs for x < a + 1, where P is the series.
enum IncompleteGamma {
  /// P(a, x), the lower regularized incomplete gamma. Requires a > 0.
  static func lower(a: Double, x: Double) -> Double {
    if x <= 0 { return 0 }
    if x.isInfinite { return 1 }
    return x < a + 1 ? series(a: a, x: x) : 1 - continuedFraction(a: a, x: x)
  }

  /// Q(a, x), the upper regularized incomplete gamma. Requires a > 0.
  static func upper(a: Double, x: Double) -> Double {
    if x <= 0 { return 1 }
    if x.isInfinite { return 0 }
    return x < a + 1 ? 1 - series(a: a, x: x) : continuedFraction(a: a, x: x)
  }

  private static func logPrefactor(a: Double, x: Double) -> Double {
    let lg: Double = lgamma(a)
    return -x + a * log(x) - lg
  }

  private static func series(a: Double, x: Double) -> Double {
    var term = 1 / a
    var sum = term
    var ap = a
    for _ in 0..<100_000 {
      ap += 1
      term *= x / ap
      sum += term
      if abs(term) < abs(sum) * 1e-17 { break }
    }
    return sum * exp(logPrefactor(a: a, x: x))
  }

  private static func continuedFraction(a: Double, x: Double) -> Double {
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1...100_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return exp(logPrefactor(a: a, x: x)) * h
  }
}
