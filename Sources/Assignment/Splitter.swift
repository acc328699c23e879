/// Deterministic assignment of users to arms, GrowthBook-compatible.
///
/// An app using any GrowthBook SDK with the same seed, weights, coverage and hash version puts
/// every user in the same arm: `bucket = GrowthBookHash.bucket(seed:id:version:)`, then the first
/// arm of `BucketRanges` containing it.
public struct Splitter: Sendable, Equatable {
  /// The result of assigning one id.
  public struct Assignment: Sendable, Equatable {
    /// The arm index, or nil when the user falls outside coverage (excluded).
    public let arm: Int?
    /// The hash value in [0, 1).
    public let bucket: Double
  }

  /// The seed and version.
  public let seedState: GrowthBookHash.SeedState
  /// The arms' ranges.
  public let ranges: BucketRanges

  /// A splitter for `seed` with arm `weights` (in order), `coverage` and hash `version`.
  public init(seed: String, weights: [Double], coverage: Double = 1, version: GrowthBookHash.Version = .v2) {
    seedState = GrowthBookHash.SeedState(seed: seed, version: version)
    ranges = BucketRanges(weights: weights, coverage: coverage)
  }

  /// Assigns the id given as a String.
  public func assign(_ id: String) -> Assignment {
    let bucket = GrowthBookHash.bucket(seed: seedState.seed, id: id, version: seedState.version)
    return Assignment(arm: ranges.arm(for: bucket), bucket: bucket)
  }

  /// Assigns the id given as UTF-8 bytes (the ingest path; no String for ASCII ids).
  public func assign(bytes: UnsafeBufferPointer<UInt8>) -> Assignment {
    let bucket = GrowthBookHash.bucket(seedState: seedState, idBytes: bytes)
    return Assignment(arm: ranges.arm(for: bucket), bucket: bucket)
  }
}
