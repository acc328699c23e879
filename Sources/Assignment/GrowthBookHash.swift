/// GrowthBook's SDK hash, mapping (seed, id) to a bucket value in [0, 1).
///
/// - Version 2 (default): `fnv1a32(String(fnv1a32(seed + id))) % 10000 / 10000`, where the inner
///   hash is written as its decimal string. Unbiased; granularity 0.01 %.
/// - Version 1 (legacy): `fnv1a32(id + seed) % 1000 / 1000`. Biased and coarse; supported only for
///   experiments that began in GrowthBook with it.
///
/// The string is hashed as UTF-16 code units (see `FNV1a`). ASCII ids, the overwhelmingly common
/// case, take a byte path that allocates nothing.
public enum GrowthBookHash {
  /// The supported hash versions.
  public enum Version: Int, Sendable, Equatable, CaseIterable {
    case v1 = 1
    case v2 = 2
  }

  /// The bucket value of `id` under `seed`, in [0, 1).
  public static func bucket(seed: String, id: String, version: Version = .v2) -> Double {
    switch version {
    case .v2:
      var h = FNV1a.hash32(units: seed.utf16)
      h = FNV1a.hash32(units: id.utf16, from: h)
      return Double(decimalHash(h) % 10_000) / 10_000
    case .v1:
      var h = FNV1a.hash32(units: id.utf16)
      h = FNV1a.hash32(units: seed.utf16, from: h)
      return Double(h % 1_000) / 1_000
    }
  }

  /// The bucket value of an id given as UTF-8 bytes, with the seed's hash state precomputed by
  /// `seedState(_:)`. Falls back to decoding the bytes when they are not pure ASCII.
  public static func bucket(
    seedState: SeedState, idBytes: UnsafeBufferPointer<UInt8>
  ) -> Double {
    var ascii = true
    for byte in idBytes where byte >= 0x80 { ascii = false; break }
    if !ascii {
      let id = String(decoding: idBytes, as: UTF8.self)
      return bucket(seed: seedState.seed, id: id, version: seedState.version)
    }
    switch seedState.version {
    case .v2:
      let h = FNV1a.hash32(bytes: idBytes, from: seedState.prefixHash)
      return Double(decimalHash(h) % 10_000) / 10_000
    case .v1:
      let h = FNV1a.hash32(units: seedState.seed.utf16, from: FNV1a.hash32(bytes: idBytes))
      return Double(h % 1_000) / 1_000
    }
  }

  /// The seed's contribution to the hash, computed once per experiment.
  public struct SeedState: Sendable, Equatable {
    /// The seed (salt).
    public let seed: String
    /// The hash version.
    public let version: Version
    /// FNV-1a 32 of the seed, the starting state of the v2 inner hash.
    let prefixHash: UInt32

    /// Precomputes the hash state of `seed`.
    public init(seed: String, version: Version) {
      self.seed = seed
      self.version = version
      prefixHash = FNV1a.hash32(units: seed.utf16)
    }
  }

  /// FNV-1a 32 over the decimal digits of `value` (the v2 outer hash), without allocating.
  @inline(__always)
  static func decimalHash(_ value: UInt32) -> UInt32 {
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var v = value
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
        v /= 10
        count += 1
      } while v > 0
    }
    var h = FNV1a.offsetBasis
    withUnsafeBytes(of: &digits) { buffer in
      var i = count - 1
      while i >= 0 {
        h = (h ^ UInt32(buffer[i])) &* FNV1a.prime
        i -= 1
      }
    }
    return h
  }
}
