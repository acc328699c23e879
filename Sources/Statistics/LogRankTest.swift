/// The log-rank test of equal survival (here: time to first return) across k ≥ 2 groups
/// (Mantel 1966; Peto & Peto 1972; lifelines `multivariate_logrank_test`).
///
/// At each distinct event time t_j with n_j at risk and d_j events overall, and n_gj, d_gj in
/// group g: O − E_g = Σ_j (d_gj − d_j·n_gj/n_j) and
/// V_gh = Σ_j d_j·(n_gj/n_j)·(δ_gh − n_hj/n_j)·(n_j − d_j)/(n_j − 1) (terms with n_j = 1 are 0).
/// χ² = (O − E)ᵀ V⁻¹ (O − E) over the first k − 1 groups, on k − 1 degrees of freedom; for two
/// groups χ² = (O − E)²/V. A time's events are counted before its censorings leave the risk set.
/// The result does not depend on the order of the observations.
public struct LogRankTest: Sendable, Equatable {
  /// The chi-square statistic.
  public let chiSquare: Double
  /// k − 1.
  public let degreesOfFreedom: Int
  /// P(χ²_{k−1} ≥ chiSquare).
  public let pValue: Double

  /// The test of `groups` (each: times and parallel event flags; false = censored), or
  /// `.notComputable` when fewer than two groups have users, no event was observed, or the
  /// variance matrix is singular.
  public static func compute(groups: [(times: [Double], events: [Bool])]) -> Computed<LogRankTest> {
    let k = groups.count
    guard k >= 2, groups.allSatisfy({ !$0.times.isEmpty }) else {
      return .notComputable("every group needs at least one user")
    }
    var observations: [(time: Double, group: Int, event: Bool)] = []
    for (g, group) in groups.enumerated() {
      for i in group.times.indices { observations.append((group.times[i], g, group.events[i])) }
    }
    guard observations.contains(where: \.event) else {
      return .notComputable("no returns were observed, so there is nothing to compare")
    }
    observations.sort { $0.time < $1.time }
    var atRisk = groups.map { Double($0.times.count) }
    var observedMinusExpected = [Double](repeating: 0, count: k)
    var variance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    var i = 0
    while i < observations.count {
      let time = observations[i].time
      var deaths = [Double](repeating: 0, count: k)
      var leaving = [Double](repeating: 0, count: k)
      while i < observations.count && observations[i].time == time {
        if observations[i].event { deaths[observations[i].group] += 1 }
        leaving[observations[i].group] += 1
        i += 1
      }
      let d = deaths.reduce(0, +)
      let n = atRisk.reduce(0, +)
      if d > 0 {
        for g in 0..<k { observedMinusExpected[g] += deaths[g] - d * atRisk[g] / n }
        if n > 1 {
          let factor = d * (n - d) / (n - 1)
          for g in 0..<k {
            for h in 0..<k {
              let share = atRisk[h] / n
              variance[g][h] += factor * (atRisk[g] / n) * ((g == h ? 1 : 0) - share)
            }
          }
        }
      }
      for g in 0..<k { atRisk[g] -= leaving[g] }
    }
    let m = k - 1
    let vector = Array(observedMinusExpected[0..<m])
    let matrix = variance[0..<m].map { Array($0[0..<m]) }
    guard let solution = solve(matrix, vector) else {
      return .notComputable("the groups' return times carry no information to compare (singular variance)")
    }
    let chiSquare = max(0, zip(vector, solution).reduce(0) { $0 + $1.0 * $1.1 })
    guard chiSquare.isFinite else { return .notComputable("the statistic is not finite") }
    return .value(
      LogRankTest(
        chiSquare: chiSquare, degreesOfFreedom: m,
        pValue: ChiSquared(degreesOfFreedom: Double(m)).sf(chiSquare)))
  }

  /// Solves A x = b by Gaussian elimination with partial pivoting; nil when A is singular.
  static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
    var a = a, b = b
    let n = b.count
    let scale = a.joined().reduce(0) { max($0, abs($1)) }
    guard scale > 0 else { return nil }
    for column in 0..<n {
      let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
      guard abs(a[pivot][column]) > 1e-12 * scale else { return nil }
      a.swapAt(column, pivot)
      b.swapAt(column, pivot)
      for row in (column + 1)..<n {
        let factor = a[row][column] / a[column][column]
        for c in column..<n { a[row][c] -= factor * a[column][c] }
        b[row] -= factor * b[column]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var sum = b[row]
      for c in (row + 1)..<n { sum -= a[row][c] * x[c] }
      x[row] = sum / a[row][row]
    }
    return x
  }
}
