/// The Adler-32 check value of zlib streams (RFC 1950 §8.2): two sums modulo 65521, `b << 16 | a`,
/// starting from a = 1, b = 0. Adler-32 of the ASCII bytes `Wikipedia` is 0x11E60398.
///
/// The modulo is deferred: NMAX = 5552 is the largest n for which 255·n(n+1)/2 + (n+1)(65520)
/// stays below 2^32, so up to 5552 bytes are summed in 32-bit arithmetic before one reduction.
/// Incremental: `update` any number of times, then read `value`.
public struct Adler32: Sendable, Equatable {
  private var a: UInt32 = 1
  private var b: UInt32 = 0
  private static let modulus: UInt32 = 65521
  private static let nmax = 5552

  /// A checksum of no bytes (`value` is 1).
  public init() {}

  /// The Adler-32 of the bytes given so far.
  public var value: UInt32 { b << 16 | a }

  /// The Adler-32 of `bytes`.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    var adler = Adler32()
    adler.update(bytes)
    return adler.value
  }

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// Adds `bytes` to the checksum.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    let p = base.assumingMemoryBound(to: UInt8.self)
    var i = 0
    let count = bytes.count
    var a = self.a, b = self.b
    while i < count {
      let end = Swift.min(count, i + Adler32.nmax)
      while i &+ 8 <= end {
        a &+= UInt32(p[i]); b &+= a
        a &+= UInt32(p[i &+ 1]); b &+= a
        a &+= UInt32(p[i &+ 2]); b &+= a
        a &+= UInt32(p[i &+ 3]); b &+= a
        a &+= UInt32(p[i &+ 4]); b &+= a
        a &+= UInt32(p[i &+ 5]); b &+= a
        a &+= UInt32(p[i &+ 6]); b &+= a
        a &+= UInt32(p[i &+ 7]); b &+= a
        i &+= 8
      }
      while i < end {
        a &+= UInt32(p[i]); b &+= a
        i &+= 1
      }
      a %= Adler32.modulus
      b %= Adler32.modulus
    }
    self.a = a
    self.b = b
  }
}
