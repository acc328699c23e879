import Experiment
import Ingest

/// Per-user results of the join, in arrays parallel to the `CohortTable`.
///
/// Values are integer micro-units (`Ingest.Decimal.scale` per unit): a conversion is 10⁶, an
/// event count n is n·10⁶, revenue is its exact micro-unit sum. Exposure keeps the earliest
/// exposure at or after entry and its channel.
public struct UserOutcomes: Sendable {
  /// The largest per-user magnitude, in micro-units: ±10⁹ units (10¹⁵ micro-units). Rows that
  /// would pass it are rejected; it keeps n·x² inside the 128-bit per-arm sums for up to
  /// `CohortTable.maximumUsers` users. The same bound as the warehouse query's
  /// (`MeasurementLimits.maximumMagnitude`).
  public static let maximumMagnitude: UInt64 = MeasurementLimits.maximumMagnitude
  /// `maximumMagnitude` in units, for messages.
  static let maximumUnits = "1,000,000,000"

  /// No exposure.
  public static let never = Int64.max

  /// Count and revenue metrics' values, user-major: for user u, the k-th additive metric's value
  /// over its window at `(u·additiveCount + k)·2` and over the same-length window before entry
  /// right after it. One user's sums are adjacent (one or two cache lines for an event's updates).
  private(set) var sums: [Int64]
  /// Conversion and retention metrics, 0 or 1, as bits: user u's flags start at word
  /// `u·flagWords`; the k-th binary metric's post bit is 2k and its pre-period bit 2k + 1.
  /// Two bits per binary metric instead of two 8-byte cells keep the per-user state small.
  private(set) var flags: [UInt32]
  /// Per metric: its index among the additive metrics (≥ 0), or −1 − its index among the binary ones.
  private let slot: [Int]
  private let additiveCount: Int
  private let flagWords: Int

  /// Where user `u`'s metric `m` lives: an index in `sums`, or a word in `flags` and a bit.
  @inline(__always)
  private func location(_ u: Int, _ m: Int, pre: Bool) -> (additive: Bool, index: Int, bit: UInt32) {
    let k = slot[m]
    if k >= 0 { return (true, (u &* additiveCount &+ k) &* 2 &+ (pre ? 1 : 0), 0) }
    let b = (-1 &- k) &* 2 &+ (pre ? 1 : 0)
    return (false, u &* flagWords &+ b / 32, UInt32(1) << UInt32(b % 32))
  }

  /// User `u`'s value of metric `m` over its window.
  @inline(__always)
  public func post(_ m: Int, _ u: Int) -> Int64 { value(m, u, pre: false) }

  /// User `u`'s value of metric `m` over the pre-period.
  @inline(__always)
  public func pre(_ m: Int, _ u: Int) -> Int64 { value(m, u, pre: true) }

  @inline(__always)
  private func value(_ m: Int, _ u: Int, pre: Bool) -> Int64 {
    let at = location(u, m, pre: pre)
    if at.additive { return sums[at.index] }
    return flags[at.index] & at.bit != 0 ? Decimal.scale : 0
  }

  /// Adds `increment` (micro-units) to an additive metric, or sets a binary one to 1.
  @inline(__always)
  mutating func record(_ increment: Int64, metric m: Int, user u: Int, pre: Bool) {
    let at = location(u, m, pre: pre)
    if at.additive { sums[at.index] &+= increment } else { flags[at.index] |= at.bit }
  }

  /// Reads user `u`'s sums and flags and returns them folded into one word: a fold calls it for
  /// the next few records so their cache misses overlap. Decides nothing.
  @inline(__always)
  func touch(_ u: Int) -> UInt64 {
    var word: UInt64 = 0
    if additiveCount > 0 { word ^= UInt64(bitPattern: sums[u &* additiveCount &* 2]) }
    if flagWords > 0 { word ^= UInt64(flags[u &* flagWords]) }
    return word
  }

  /// Per user: the first exposure at or after entry, or `never`.
  public internal(set) var firstExposure: [Int64]
  /// Per user: the channel code of the first exposure, or −1.
  public internal(set) var exposureChannel: [Int32]
  /// Per user: the cost of the messages delivered at or after entry, in micro-units.
  public internal(set) var spend: [Int64]
  /// Per user: the first return event at or after entry (for the survival curves), or `never`.
  public internal(set) var firstReturn: [Int64]

  /// Per user: true when a source marked the user as held out (Braze, Iterable markers).
  public internal(set) var platformControl: [Bool]

  /// Empty outcomes for `users` users; `additive[m]` tells whether metric m adds up (count,
  /// revenue) or is 0/1 (conversion, retention).
  init(users: Int, additive: [Bool]) {
    platformControl = Array(repeating: false, count: users)
    var slot: [Int] = []
    var additiveCount = 0, binaryCount = 0
    for isAdditive in additive {
      if isAdditive {
        slot.append(additiveCount)
        additiveCount += 1
      } else {
        slot.append(-1 - binaryCount)
        binaryCount += 1
      }
    }
    self.slot = slot
    self.additiveCount = additiveCount
    flagWords = (binaryCount * 2 + 31) / 32
    sums = Array(repeating: 0, count: users * additiveCount * 2)
    flags = Array(repeating: 0, count: users * flagWords)
    firstExposure = Array(repeating: Self.never, count: users)
    exposureChannel = Array(repeating: -1, count: users)
    spend = Array(repeating: 0, count: users)
    firstReturn = Array(repeating: Self.never, count: users)
  }
}
