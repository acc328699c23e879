/// Adjusted p-values for a family of m tests (e.g. every goal metric × treatment arm against the
/// holdout), as GrowthBook applies them (`packages/shared/src/experiments/experiments.ts`) and
/// as statsmodels `multipletests(method="holm" | "fdr_bh")` computes them.
///
/// With the p-values sorted ascending, p_(1) ≤ … ≤ p_(m):
/// - `.holm` (Holm 1979, *Scand. J. Stat.* 6:65–70; controls the family-wise error rate):
///   p̃_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j));
/// - `.benjaminiHochberg` (Benjamini & Hochberg 1995, *JRSS-B* 57:289–300; controls the false
///   discovery rate under independence or positive dependence):
///   p̃_(i) = min_{j ≥ i} min(1, m·p_(j)/j), evaluated as p_(j)/(j/m) like statsmodels so that
///   results agree to the last bit (R8: 0.049999999999999996, not 0.05).
///
/// Reject a hypothesis when p̃ ≤ α. Results come back in the input order. Ties are broken by the
/// input index, so the output never depends on sort stability (tied p-values receive the same
/// adjusted value under both methods anyway). Edge cases: an empty input gives an empty output;
/// p-values are clamped to [0, 1] and a NaN p-value is treated as 1 (never significant), so the
/// output is always in [0, 1].
public enum MultipleTesting: String, Sendable, Equatable, CaseIterable {
  /// Holm's step-down Bonferroni: family-wise error rate.
  case holm
  /// Benjamini–Hochberg step-up: false discovery rate.
  case benjaminiHochberg = "benjamini_hochberg"

  /// The adjusted p-values of `pValues`, in the input order.
  public func adjust(_ pValues: [Double]) -> [Double] {
    let m = pValues.count
    guard m > 0 else { return [] }
    let clamped = pValues.map { $0.isNaN ? 1 : min(max($0, 0), 1) }
    let order = clamped.indices.sorted { a, b in
      clamped[a] != clamped[b] ? clamped[a] < clamped[b] : a < b
    }
    var adjusted = [Double](repeating: 1, count: m)
    switch self {
    case .holm:
      var running = 0.0
      for (rank, index) in order.enumerated() {
        // rank is 0-based: the multiplier m − j + 1 with j = rank + 1.
        running = max(running, min(1, Double(m - rank) * clamped[index]))
        adjusted[index] = running
      }
    case .benjaminiHochberg:
      var running = 1.0
      for rank in stride(from: m - 1, through: 0, by: -1) {
        let index = order[rank]
        let fraction = Double(rank + 1) / Double(m)
        running = min(running, min(1, clamped[index] / fraction))
        adjusted[index] = running
      }
    }
    return adjusted
  }
}
