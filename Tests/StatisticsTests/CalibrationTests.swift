import Statistics
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Calibration by simulation: the procedures keep their promised error rates on data whose truth
/// is known. Seeded, so every run draws the same numbers; tolerances are binomial: with R
/// replications of a rate q the standard error is √(q(1 − q)/R), and bounds sit about 3.5 SE
/// from the nominal rate (a correct procedure fails by chance about once in 4,000 runs, and
/// never here because the seed is fixed).
@Suite struct CalibrationTests {
  /// SplitMix64 with Box–Muller normals: small, fast and the same on every platform.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
    mutating func normal() -> Double {
      (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
    mutating func bernoulli(_ p: Double) -> Double { uniform() < p ? 1 : 0 }
  }

  static func bounds(_ rate: Double, replications: Int) -> ClosedRange<Double> {
    let se = (rate * (1 - rate) / Double(replications)).squareRoot()
    return (rate - 3.5 * se)...(rate + 3.5 * se)
  }

  /// A/A: with no effect, the fixed-horizon test rejects at α = 0.05 about 5% of the time, for a
  /// 10% holdout on a 10% conversion rate.
  @Test func aaFalsePositiveRateIsAlpha() {
    var rng = Generator(state: 1)
    let replications = 2000
    var rejections = 0
    for _ in 0..<replications {
      var control = Moments(), treatment = Moments()
      for _ in 0..<100 { control.add(rng.bernoulli(0.1)) }
      for _ in 0..<900 { treatment.add(rng.bernoulli(0.1)) }
      let c = WelchComparison(
        control: ArmStatistic(control, family: .proportion),
        treatment: ArmStatistic(treatment, family: .proportion))
      if let p = c.absolute.value?.pValue, p < 0.05 { rejections += 1 }
    }
    let rate = Double(rejections) / Double(replications)
    #expect(Self.bounds(0.05, replications: replications).contains(rate), "A/A rejection rate \(rate)")
  }

  /// A planted effect (+0.3 on a skewed revenue-like metric) is covered by the 95% interval of
  /// the absolute difference about 95% of the time, and the relative interval covers the true lift.
  @Test func intervalsCoverAPlantedEffect() {
    var rng = Generator(state: 2)
    let replications = 2000
    var covered = 0, relativeCovered = 0
    let trueLift = 0.3 / exp(0.5)
    for _ in 0..<replications {
      var control = Moments(), treatment = Moments()
      for _ in 0..<300 { control.add(exp(rng.normal())) }
      for _ in 0..<700 { treatment.add(exp(rng.normal()) + 0.3) }
      let c = WelchComparison(
        control: ArmStatistic(control, family: .mean), treatment: ArmStatistic(treatment, family: .mean))
      if let a = c.absolute.value, a.lower <= 0.3, 0.3 <= a.upper { covered += 1 }
      if let r = c.relative.value, r.lower <= trueLift, trueLift <= r.upper { relativeCovered += 1 }
    }
    let bounds = Self.bounds(0.95, replications: replications)
    #expect(bounds.contains(Double(covered) / Double(replications)), "absolute coverage \(covered)")
    #expect(bounds.contains(Double(relativeCovered) / Double(replications)), "relative coverage \(relativeCovered)")
  }

  /// Weekly peeking at an A/A test: stopping at the first look with p < 0.05 inflates the
  /// fixed-horizon error far above 5%, while the always-valid interval keeps it at or below 5%.
  @Test func alwaysValidIntervalsSurviveWeeklyPeeking() {
    var rng = Generator(state: 3)
    let replications = 600
    let looks = 12, usersPerLook = 250
    var fixedErrors = 0, sequentialErrors = 0
    for _ in 0..<replications {
      var control = Moments(), treatment = Moments()
      var fixedRejected = false, sequentialRejected = false
      for _ in 0..<looks {
        for _ in 0..<usersPerLook {
          control.add(rng.normal())
          treatment.add(rng.normal())
        }
        let c = ArmStatistic(control, family: .mean), t = ArmStatistic(treatment, family: .mean)
        if let p = WelchComparison(control: c, treatment: t).absolute.value?.pValue, p < 0.05 {
          fixedRejected = true
        }
        let sequential = WelchComparison(control: c, treatment: t, sequentialTuning: 5000)
        if let e = sequential.absolute.value, e.lower > 0 || e.upper < 0 { sequentialRejected = true }
      }
      if fixedRejected { fixedErrors += 1 }
      if sequentialRejected { sequentialErrors += 1 }
    }
    let fixedRate = Double(fixedErrors) / Double(replications)
    let sequentialRate = Double(sequentialErrors) / Double(replications)
    // Twelve looks at a fixed 5% test reject a true null roughly 20% of the time.
    #expect(fixedRate > Self.bounds(0.05, replications: replications).upperBound, "fixed \(fixedRate)")
    #expect(sequentialRate <= Self.bounds(0.05, replications: replications).upperBound, "always valid \(sequentialRate)")
  }

  /// CUPED with a covariate correlated ρ = 0.7 with the outcome: unbiased (the mean estimate
  /// is within 3.5 SE of the truth), intervals about √(1 − ρ²) ≈ 0.71 as wide, still covering.
  @Test func cupedNarrowsIntervalsWithoutBias() {
    var rng = Generator(state: 4)
    let replications = 1000
    let rho = 0.7, effect = 0.2
    var estimates = 0.0, squares = 0.0, covered = 0, widthRatio = 0.0
    for _ in 0..<replications {
      var control = Moments(), treatment = Moments()
      for arm in 0..<2 {
        for _ in 0..<(arm == 0 ? 200 : 600) {
          let x = rng.normal()
          let y = rho * x + (1 - rho * rho).squareRoot() * rng.normal() + (arm == 1 ? effect : 0)
          if arm == 0 { control.add(y, pre: x) } else { treatment.add(y, pre: x) }
        }
      }
      let c = ArmStatistic(control, family: .mean), t = ArmStatistic(treatment, family: .mean)
      let theta = ArmStatistic.pooledTheta(control, treatment, family: .mean) ?? 0
      let adjusted = WelchComparison(control: c, treatment: t, theta: theta).absolute.value!
      let plain = WelchComparison(control: c, treatment: t).absolute.value!
      estimates += adjusted.estimate
      squares += adjusted.estimate * adjusted.estimate
      if adjusted.lower <= effect && effect <= adjusted.upper { covered += 1 }
      widthRatio += (adjusted.upper - adjusted.lower) / (plain.upper - plain.lower)
    }
    let n = Double(replications)
    let mean = estimates / n
    let sd = (squares / n - mean * mean).squareRoot()
    #expect(abs(mean - effect) < 3.5 * sd / n.squareRoot(), "CUPED mean estimate \(mean)")
    #expect(abs(widthRatio / n - (1 - rho * rho).squareRoot()) < 0.02, "width ratio \(widthRatio / n)")
    #expect(Self.bounds(0.95, replications: replications).contains(Double(covered) / n), "coverage \(covered)")
  }
}
