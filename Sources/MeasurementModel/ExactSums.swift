import Statistics

/// Exact per-arm sums of integer micro-unit values: n, Σx, Σx², Σpre, Σpre², Σx·pre.
///
/// Per-user values are integers (0/1 flags, counts and money in micro-units, see
/// `Ingest.Decimal`), so their sums are accumulated in 128-bit integers. Integer addition is
/// associative: the sums, and the report, are identical whatever the order of users, files or
/// threads. The centred moments are formed exactly, M2 = (n·Σx² − (Σx)²)/n, before the single
/// conversion to Double (falling back to Chan-style floating point only on 128-bit overflow,
/// which needs per-user values above about 10¹³ units).
public struct ExactSums: Sendable, Equatable {
  /// Number of users.
  public package(set) var count: Int {
    get { n }
    set { n = newValue }
  }
  @usableFromInline var n = 0
  // @usableFromInline: `add` is inlined into the reducer's per-user loop (another module).
  @usableFromInline var sx: Int128 = 0
  @usableFromInline var sxx: Int128 = 0
  @usableFromInline var sp: Int128 = 0
  @usableFromInline var spp: Int128 = 0
  @usableFromInline var sxp: Int128 = 0

  /// Empty sums.
  public init() {}

  /// Sums as a warehouse query returns them: exact integers in micro-units (squares and
  /// products in micro-units squared).
  public init(
    count: Int, sum: Int128, sumOfSquares: Int128, preSum: Int128 = 0, preSumOfSquares: Int128 = 0,
    sumOfProducts: Int128 = 0
  ) {
    self.count = count
    sx = sum
    sxx = sumOfSquares
    sp = preSum
    spp = preSumOfSquares
    sxp = sumOfProducts
  }

  /// Adds one user's value and pre-period value, both in micro-units.
  @inlinable @inline(__always)
  public mutating func add(_ x: Int64, pre: Int64) {
    n += 1
    let x = Int128(x), p = Int128(pre)
    sx += x
    sxx += x * x
    sp += p
    spp += p * p
    sxp += x * p
  }

  /// Adds another set of sums.
  public mutating func merge(_ other: ExactSums) {
    count += other.count
    sx += other.sx
    sxx += other.sxx
    sp += other.sp
    spp += other.spp
    sxp += other.sxp
  }

  /// The moments in units (micro-units divided by `scale`).
  public func moments(scale: Double = 1_000_000) -> Moments {
    guard count > 0 else { return Moments() }
    let n = Int128(count)
    let nDouble = Double(count)
    func centred(_ sumA: Int128, _ sumB: Int128, _ sumAB: Int128) -> Double {
      let (left, o1) = n.multipliedReportingOverflow(by: sumAB)
      let (right, o2) = sumA.multipliedReportingOverflow(by: sumB)
      if !o1 && !o2 {
        let (difference, o3) = left.subtractingReportingOverflow(right)
        if !o3 { return Double(difference) / nDouble / (scale * scale) }
      }
      let a = Double(sumA) / scale, b = Double(sumB) / scale
      return Double(sumAB) / (scale * scale) - a * b / nDouble
    }
    return Moments(
      count: count, mean: Double(sx) / scale / nDouble, m2: centred(sx, sx, sxx),
      preMean: Double(sp) / scale / nDouble, preM2: centred(sp, sp, spp),
      coMoment: centred(sx, sp, sxp))
  }
}
