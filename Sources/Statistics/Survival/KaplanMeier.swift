#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Kaplan–Meier estimate of "not yet returned" S(t) for days-to-first-return data with right
/// censoring (users whose follow-up window is still open), with Greenwood's variance and the
/// log-log ("exponential Greenwood") confidence interval. The return rate by day t is 1 − S(t).
///
/// At the distinct event times t_j, with n_j users at risk (time ≥ t_j) and d_j returns at t_j
/// (statistics.md#return-curves-kaplanmeier-and-log-rank):
/// - Ŝ(t) = Π_{t_j ≤ t} (1 − d_j/n_j) (Kaplan & Meier 1958, *JASA* 53:457–481), a
///   right-continuous step function: S(t_j) already includes the returns at t_j;
/// - Greenwood (1926): Var̂ Ŝ(t) = Ŝ(t)²·G(t), G(t) = Σ_{t_j ≤ t} d_j/(n_j(n_j − d_j));
/// - log-log interval (Kalbfleisch & Prentice; lifelines' default, `KaplanMeierFitter._bounds`):
///   with v = ln Ŝ(t) < 0 and z = z_{1−α/2}, lower = exp(−exp(ln(−v) + z√G/|v|)),
///   upper = exp(−exp(ln(−v) − z√G/|v|)); always inside (0, 1).
///
/// Ties: at one time, returns are counted before censorings, so users censored at t_j are still
/// at risk at t_j (the standard convention, as in lifelines and R `survival`). The input is
/// sorted by (time, returns first), so every input order gives identical steps.
///
/// Edge cases, all explicit:
/// - `steps` holds one entry per distinct *event* time; times with only censorings produce no
///   step (they only lower the at-risk count of later steps); `censored` counts the users
///   censored at exactly that event time.
/// - When every user at risk returns at t_j (n_j − d_j = 0), Ŝ drops to 0 and the Greenwood term
///   d_j/(n_j(n_j − d_j)) is infinite. As in lifelines it is left out of the sum (which stays
///   finite); the variance Ŝ²·G is then 0 from t_j on, because Ŝ = 0.
/// - `logLogInterval` returns nil where the log-log transform is undefined: Ŝ(t) = 1 (before the
///   first return, or no users) and Ŝ(t) = 0. (lifelines fills (1, 1) and (0, 0) there.)
/// - Users whose time is NaN are ignored and not counted; −0 is treated as 0.
public struct KaplanMeier: Sendable, Equatable {
  /// One row of the event table, at a distinct time with at least one return.
  public struct Step: Sendable, Equatable {
    /// The event time t_j.
    public let time: Double
    /// n_j, the users whose time is ≥ t_j.
    public let atRisk: Int
    /// d_j, the returns at exactly t_j.
    public let events: Int
    /// Users censored at exactly t_j (still counted in `atRisk`).
    public let censored: Int
    /// Ŝ(t_j), including the returns at t_j.
    public let survival: Double
    /// G(t_j) = Σ_{t_i ≤ t_j} d_i/(n_i(n_i − d_i)), leaving out an infinite term (n_i = d_i).
    public let greenwoodSum: Double

    /// Creates a step from its parts.
    public init(
      time: Double, atRisk: Int, events: Int, censored: Int, survival: Double, greenwoodSum: Double
    ) {
      self.time = time
      self.atRisk = atRisk
      self.events = events
      self.censored = censored
      self.survival = survival
      self.greenwoodSum = greenwoodSum
    }
  }

  /// The event table, ordered by time.
  public let steps: [Step]
  /// The number of users in the estimate (NaN times excluded).
  public let count: Int

  /// Estimates S(t) from parallel arrays: `events[i]` is true when user i returned at
  /// `times[i]`, false when the user was censored at `times[i]` (no return seen by then).
  /// The arrays must have the same length (precondition).
  public init(times: [Double], events: [Bool]) {
    precondition(times.count == events.count, "one event flag per time")
    var users: [(time: Double, event: Bool)] = []
    users.reserveCapacity(times.count)
    for (time, event) in zip(times, events) where !time.isNaN {
      users.append((time == 0 ? 0 : time, event))
    }
    users.sort { a, b in a.time != b.time ? a.time < b.time : (a.event && !b.event) }
    count = users.count

    var steps: [Step] = []
    var atRisk = users.count
    var survival = 1.0
    var greenwood = 0.0
    var i = 0
    while i < users.count {
      let time = users[i].time
      var returned = 0
      var censored = 0
      while i < users.count && users[i].time == time {
        if users[i].event { returned += 1 } else { censored += 1 }
        i += 1
      }
      if returned > 0 {
        let remaining = atRisk - returned
        survival *= Double(remaining) / Double(atRisk)
        if remaining > 0 {
          greenwood += Double(returned) / (Double(atRisk) * Double(remaining))
        }
        steps.append(
          Step(
            time: time, atRisk: atRisk, events: returned, censored: censored, survival: survival,
            greenwoodSum: greenwood))
      }
      atRisk -= returned + censored
    }
    self.steps = steps
  }

  /// The index of the last step at or before `t`, or nil before the first return.
  private func stepIndex(at t: Double) -> Int? {
    var low = 0
    var high = steps.count  // first index with time > t lies in [low, high]
    while low < high {
      let mid = (low + high) / 2
      if steps[mid].time <= t { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? nil : low - 1
  }

  /// Ŝ(t) = Π_{t_j ≤ t} (1 − d_j/n_j); 1 before the first return (and for NaN `t`).
  public func survival(at t: Double) -> Double {
    stepIndex(at: t).map { steps[$0].survival } ?? 1
  }

  /// G(t) = Σ_{t_j ≤ t} d_j/(n_j(n_j − d_j)); 0 before the first return.
  public func greenwoodSum(at t: Double) -> Double {
    stepIndex(at: t).map { steps[$0].greenwoodSum } ?? 0
  }

  /// Greenwood's variance Ŝ(t)²·G(t); 0 before the first return and wherever Ŝ(t) = 0.
  public func greenwoodVariance(at t: Double) -> Double {
    guard let index = stepIndex(at: t) else { return 0 }
    let s = steps[index].survival
    return s * s * steps[index].greenwoodSum
  }

  /// The log-log (exponential Greenwood) confidence interval for S(t) at level 1 − `alpha`,
  /// lifelines' default. Nil where it is undefined: Ŝ(t) = 1 (before the first return) or
  /// Ŝ(t) = 0. Requires 0 < `alpha` < 1 (precondition).
  public func logLogInterval(at t: Double, alpha: Double) -> (lower: Double, upper: Double)? {
    precondition(alpha > 0 && alpha < 1, "alpha must be in (0, 1)")
    guard let index = stepIndex(at: t) else { return nil }
    let s = steps[index].survival
    guard s > 0, s < 1 else { return nil }
    let v = log(s)
    let z = Normal.upperQuantile(alpha / 2)
    let shift = z * steps[index].greenwoodSum.squareRoot() / v  // negative, as v < 0
    let center = log(-v)
    return (lower: exp(-exp(center - shift)), upper: exp(-exp(center + shift)))
  }

  /// 1 − Ŝ(t), the share of users who returned by day `t`.
  public func returnRate(at t: Double) -> Double {
    1 - survival(at: t)
  }
}
