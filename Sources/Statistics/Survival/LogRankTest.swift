/// The log-rank test that k ≥ 2 groups (arms) share one time-to-first-return curve, with right
/// censoring; for k > 2 the multivariate form of lifelines `multivariate_logrank_test`
/// (`lifelines/statistics.py`).
///
/// Over the distinct return times t_j, with n_gj users of group g at risk, n_j = Σ_g n_gj and
/// d_gj returns, d_j = Σ_g d_gj (Mantel 1966; Peto & Peto 1972;
/// statistics.md#return-curves-kaplanmeier-and-log-rank):
/// - expected E_g = Σ_j d_j·n_gj/n_j, observed O_g = Σ_j d_gj, Z_g = O_g − E_g (Σ_g Z_g = 0);
/// - covariance V_gh = Σ_j d_j(n_j − d_j)/(n_j − 1) · n_gj(δ_gh·n_j − n_hj)/n_j²
///   (terms with n_j = 1 are 0);
/// - χ² = Zᵀ V⁻¹ Z over the first k − 1 groups (the last is dropped, as in lifelines, since the
///   full V is singular), solved by Gaussian elimination with partial pivoting;
///   df = k − 1 and p = P(χ²_{k−1} ≥ χ²) (`ChiSquared.sf`). For k = 2 this is the usual
///   (O − E)²/V.
///
/// Ties follow Kaplan–Meier: users censored at t_j are still at risk at t_j, and the input order
/// does not matter. Users with a NaN time are ignored.
///
/// Degenerate input gives `.notComputable` for both `chiSquare` and `pValue`, with the reason:
/// fewer than two groups, a group whose `times` and `events` differ in length, an empty group, no
/// return in any group, a group with nobody at risk at any return time, or a covariance matrix
/// that is numerically singular (pivot below 1e-12 of the largest variance). lifelines would use
/// a pseudo-inverse in the last case; a test statistic that depends on it is not reported here.
public struct LogRankTest: Sendable, Equatable {
  /// k − 1 (0 when fewer than two groups were given).
  public let degreesOfFreedom: Int
  /// O_g, the returns observed in each group (input order).
  public let observed: [Int]
  /// E_g, the returns expected in each group if all groups shared one curve.
  public let expected: [Double]
  /// The χ² statistic Zᵀ V⁻¹ Z.
  public let chiSquare: Computed<Double>
  /// P(χ²_{k−1} ≥ chiSquare).
  public let pValue: Computed<Double>

  /// Tests `groups` (each a pair of parallel arrays: time, and true if the user returned at that
  /// time / false if censored) for a common time-to-return curve.
  public init(groups: [(times: [Double], events: [Bool])]) {
    let k = groups.count
    degreesOfFreedom = max(k - 1, 0)
    var users: [(time: Double, group: Int, event: Bool)] = []
    var sizes = [Int](repeating: 0, count: k)
    var problem: String? = k < 2 ? "the log-rank test needs at least two groups, got \(k)" : nil
    for (g, group) in groups.enumerated() where problem == nil {
      if group.times.count != group.events.count {
        problem =
          "group \(g + 1) has \(group.times.count) times but \(group.events.count) event flags"
        break
      }
      for (time, event) in zip(group.times, group.events) where !time.isNaN {
        users.append((time, g, event))
        sizes[g] += 1
      }
      if sizes[g] == 0 { problem = "group \(g + 1) has no users" }
    }
    users.sort { $0.time < $1.time }

    var observed = [Int](repeating: 0, count: k)
    var expected = [Double](repeating: 0, count: k)
    var covariance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    var everAtRisk = [Bool](repeating: false, count: k)
    var atRisk = sizes
    var i = 0
    while problem == nil && i < users.count {
      let time = users[i].time
      var returned = [Int](repeating: 0, count: k)
      var left = [Int](repeating: 0, count: k)
      while i < users.count && users[i].time == time {
        if users[i].event { returned[users[i].group] += 1 }
        left[users[i].group] += 1
        i += 1
      }
      let d = returned.reduce(0, +)
      if d > 0 {
        let n = Double(atRisk.reduce(0, +))
        let dj = Double(d)
        for g in 0..<k {
          observed[g] += returned[g]
          expected[g] += dj * Double(atRisk[g]) / n
          if atRisk[g] > 0 { everAtRisk[g] = true }
        }
        if n > 1 {
          let factor = (n - dj) / (n - 1) * dj / (n * n)
          for g in 0..<k {
            let ng = Double(atRisk[g])
            for h in 0..<k {
              let nh = Double(atRisk[h])
              covariance[g][h] += factor * ng * ((g == h ? n : 0) - nh)
            }
          }
        }
      }
      for g in 0..<k { atRisk[g] -= left[g] }
    }
    self.observed = observed
    self.expected = expected

    if problem == nil && observed.allSatisfy({ $0 == 0 }) {
      problem = "no user returned in any group, so the curves cannot be compared"
    }
    if problem == nil, let g = everAtRisk.firstIndex(of: false) {
      problem = "group \(g + 1) has nobody at risk at any return time, so it cannot be compared"
    }
    var statistic = 0.0
    if problem == nil {
      let z = (0..<(k - 1)).map { Double(observed[$0]) - expected[$0] }
      let reduced = covariance.prefix(k - 1).map { Array($0.prefix(k - 1)) }
      if let solution = Self.solve(reduced, z) {
        statistic = max(0, zip(z, solution).reduce(0) { $0 + $1.0 * $1.1 })
      } else {
        problem = "the log-rank covariance matrix is singular, so the χ² statistic is undefined"
      }
    }
    if let problem {
      chiSquare = .notComputable(problem)
      pValue = .notComputable(problem)
    } else {
      chiSquare = .value(statistic)
      pValue = .value(ChiSquared(degreesOfFreedom: Double(k - 1)).sf(statistic))
    }
  }

  /// Solves A·x = b by Gaussian elimination with partial pivoting; nil when a pivot is below
  /// 1e-12 times the largest diagonal entry of A (numerically singular) or not finite.
  static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
    var a = matrix
    var b = rhs
    let m = b.count
    let scale = (0..<m).map { abs(a[$0][$0]) }.max() ?? 0
    guard scale > 0, scale.isFinite else { return nil }
    for column in 0..<m {
      var pivot = column
      for row in (column + 1)..<m where abs(a[row][column]) > abs(a[pivot][column]) {
        pivot = row
      }
      guard abs(a[pivot][column]) > 1e-12 * scale, a[pivot][column].isFinite else { return nil }
      if pivot != column {
        a.swapAt(pivot, column)
        b.swapAt(pivot, column)
      }
      for row in (column + 1)..<m {
        let f = a[row][column] / a[column][column]
        if f == 0 { continue }
        for c in column..<m { a[row][c] -= f * a[column][c] }
        b[row] -= f * b[column]
      }
    }
    var x = [Double](repeating: 0, count: m)
    for row in stride(from: m - 1, through: 0, by: -1) {
      var sum = b[row]
      for c in (row + 1)..<m { sum -= a[row][c] * x[c] }
      x[row] = sum / a[row][row]
    }
    return x.allSatisfy({ $0.isFinite }) ? x : nil
  }
}
