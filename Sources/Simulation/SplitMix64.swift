#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A seeded, reproducible random number generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// Never `SystemRandomNumberGenerator`: simulated fixtures and calibration tests must be the same
/// on every run and machine for a given seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator seeded with `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func uniform() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// True with probability `p`.
  public mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

  /// An exponential variate with the given rate.
  public mutating func exponential(rate: Double) -> Double {
    -log1p(-uniform()) / rate
  }

  /// A standard normal variate (Box–Muller; one of the pair is discarded for simplicity).
  public mutating func normal() -> Double {
    let u1 = max(uniform(), 0x1.0p-60)
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// A Gamma(shape k, scale θ) variate for integer k (a sum of k exponentials).
  public mutating func gamma(shape: Int, scale: Double) -> Double {
    var total = 0.0
    for _ in 0..<shape { total += exponential(rate: 1) }
    return total * scale
  }

  /// A uniformly chosen index in 0..<count.
  public mutating func index(_ count: Int) -> Int {
    Int(next() % UInt64(count))
  }

  /// Shuffles `array` in place (Fisher–Yates) with this generator.
  public mutating func shuffle<T>(_ array: inout [T]) {
    guard array.count > 1 else { return }
    for i in stride(from: array.count - 1, to: 0, by: -1) {
      let j = Int(next() % UInt64(i + 1))
      array.swapAt(i, j)
    }
  }
}
