import Experiment
import Ingest
import MeasurementModel
import Platforms

/// Per-user results of the join, in arrays parallel to the `CohortTable`.
///
/// Values are integer micro-units (`Ingest.Decimal.scale` per unit): a conversion is 10⁶, an
/// event count n is n·10⁶, revenue is its exact micro-unit sum. Exposure keeps the earliest
/// exposure at or after entry and its channel.
public struct UserOutcomes: Sendable {
  /// No exposure.
  public static let never = Int64.max

  /// Every user's state in one row of `stride` words, rows aligned to 64 bytes (a cache line),
  /// so that folding an event touches one line of user state, not one line per array: with
  /// rows in random order almost every record's user is a cache miss, and the misses, not the
  /// arithmetic, decide the fold's speed. A row holds, in order:
  /// - the additive (count, revenue) metrics: the k-th one's value over its window at word 2k and
  ///   over the same-length window before entry at 2k + 1;
  /// - the binary (conversion, retention) metrics as bits, 0 or 1: the k-th one's post bit is 2k
  ///   and its pre-period bit 2k + 1, counted across `flagWords` words;
  /// - the first exposure at or after entry (`never` when none), the first return event at or
  ///   after entry (`never`), the message spend, and the first exposure's channel code (low 32
  ///   bits, −1 when none) with the platform-control marker (bit 32).
  private var words: [Int64]
  /// Words per user (the row's words rounded up to a multiple of 8).
  private let stride: Int
  /// The index of user 0's row: `words`' first 64-byte-aligned element (alignment only speeds the
  /// fold; a copy that moved the storage would still be correct).
  private let base: Int
  /// Per metric: its index among the additive metrics (≥ 0), or −1 − its index among the binary ones.
  private let slot: [Int]
  private let additiveCount: Int
  private let flagWords: Int
  private var exposureWord: Int { 2 &* additiveCount &+ flagWords }

  @inline(__always)
  private func row(_ u: Int) -> Int { base &+ u &* stride }

  /// Where user `u`'s metric `m` lives: a word of `words`, and for a binary metric its bit.
  @inline(__always)
  private func location(_ u: Int, _ m: Int, pre: Bool) -> (additive: Bool, index: Int, bit: Int64) {
    let k = slot[m]
    if k >= 0 { return (true, row(u) &+ k &* 2 &+ (pre ? 1 : 0), 0) }
    let b = (-1 &- k) &* 2 &+ (pre ? 1 : 0)
    return (false, row(u) &+ 2 &* additiveCount &+ b / 64, Int64(1) << Int64(b % 64))
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
    if at.additive { return words[at.index] }
    return words[at.index] & at.bit != 0 ? Decimal.scale : 0
  }

  /// Adds `increment` (micro-units) to an additive metric, or sets a binary one to 1.
  @inline(__always)
  package mutating func record(_ increment: Int64, metric m: Int, user u: Int, pre: Bool) {
    let at = location(u, m, pre: pre)
    if at.additive { words[at.index] &+= increment } else { words[at.index] |= at.bit }
  }

  /// Reads user `u`'s row (its first word) and returns it: a fold calls it for the next few
  /// records so that their cache misses overlap. Decides nothing.
  @inline(__always)
  package func touch(_ u: Int) -> UInt64 { UInt64(bitPattern: words[row(u)]) }

  /// User `u`'s first exposure at or after entry, or `never`.
  @inline(__always)
  public func firstExposure(_ u: Int) -> Int64 { words[row(u) &+ exposureWord] }

  /// User `u`'s first return event at or after entry (for the survival curves), or `never`.
  @inline(__always)
  public func firstReturn(_ u: Int) -> Int64 { words[row(u) &+ exposureWord &+ 1] }

  /// The cost of the messages delivered to user `u` at or after entry, in micro-units.
  @inline(__always)
  public func spend(_ u: Int) -> Int64 { words[row(u) &+ exposureWord &+ 2] }

  /// The channel code of user `u`'s first exposure, or −1.
  @inline(__always)
  public func exposureChannel(_ u: Int) -> Int32 {
    Int32(truncatingIfNeeded: words[row(u) &+ exposureWord &+ 3])
  }

  /// True when a source marked user `u` as held out (Braze, Iterable markers).
  @inline(__always)
  public func platformControl(_ u: Int) -> Bool { words[row(u) &+ exposureWord &+ 3] >> 32 & 1 != 0 }

  /// Sets user `u`'s first exposure and its channel.
  @inline(__always)
  package mutating func setFirstExposure(_ u: Int, at time: Int64, channel: Int32) {
    let at = row(u) &+ exposureWord
    words[at] = time
    words[at &+ 3] = (words[at &+ 3] & ~0xFFFF_FFFF) | Int64(UInt32(bitPattern: channel))
  }

  /// Lowers user `u`'s first return to `time` if earlier.
  @inline(__always)
  package mutating func noteReturn(_ u: Int, at time: Int64) {
    let at = row(u) &+ exposureWord &+ 1
    words[at] = min(words[at], time)
  }

  /// Adds a message's cost to user `u`'s spend.
  @inline(__always)
  package mutating func addSpend(_ u: Int, _ cost: Int64) { words[row(u) &+ exposureWord &+ 2] += cost }

  /// Marks user `u` as held out by the platform.
  package mutating func markPlatformControl(_ u: Int) { words[row(u) &+ exposureWord &+ 3] |= 1 << 32 }

  /// Empty outcomes for `users` users; `additive[m]` tells whether metric m adds up (count,
  /// revenue) or is 0/1 (conversion, retention).
  package init(users: Int, additive: [Bool]) {
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
    let flagWords = (binaryCount * 2 + 63) / 64
    self.flagWords = flagWords
    let exposureWord = 2 * additiveCount + flagWords
    let stride = (exposureWord + 4 + 7) / 8 * 8
    self.stride = stride
    var words = HugePages.array(repeating: Int64(0), count: users * stride + 8)
    let address = words.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    let base = (8 - (address / 8) % 8) % 8
    self.base = base
    let empty = Int64(UInt32(bitPattern: -1))
    for u in 0..<users {
      let at = base + u * stride + exposureWord
      words[at] = Self.never
      words[at + 1] = Self.never
      words[at + 3] = empty
    }
    self.words = words
  }
}
