/// The set of de-duplication keys seen so far, in 8 bytes per slot whatever the keys' length:
/// the one structure whose memory grows with the number of events rather than users.
///
/// A key is represented by its 64-bit hash (`ByteKeyTable.hash`, fixed and process-independent),
/// split into 256 shards by its top byte; a slot keeps the other 56 bits and an 8-bit fingerprint
/// of the record's content, so that a repeated key is told apart as a true duplicate (same
/// content) or a conflicting reuse of the key. Two different keys are confused only when their
/// 64-bit hashes are equal: for n keys the chance of any such pair is about n²/2⁶⁵ (10⁻⁵ at 20
/// million keys). A conflicting reuse goes unnoticed when the fingerprints agree (1 in 256), so
/// the conflict count is a slight undercount. Slots are indexed by multiply-shift, so a shard
/// grows by a quarter rather than doubling; growing alone keeps the load between 0.64 and ⅘
/// (10–12.5 bytes per key), and shards grow one at a time, so growing never holds two copies of
/// the whole set. `reserve` sizes the shards for an expected number of keys up front: when the
/// estimate is right the set never grows; when it is low the set grows as usual, and when it is
/// high the load stays lower (memory only: answers never depend on the table's size).
public struct EventIDSet: Sendable {
  private var shards: [Shard]
  /// The number of keys held.
  public private(set) var count = 0

  /// Bytes held by the table.
  public var memoryBytes: Int { shards.reduce(0) { $0 + $1.slots.count * 8 } }

  /// An empty set.
  public init() {
    shards = Array(repeating: Shard(), count: 256)
  }

  /// Inserts the key whose hash is `hash`, for a record whose content fingerprint is
  /// `fingerprint` (its low 8 bits are kept).
  public mutating func insert(hash: UInt64, fingerprint: UInt32) -> Insertion {
    let result = shards[Int(hash >> 56)].insert(hash: hash, fingerprint: fingerprint)
    if result == .inserted { count += 1 }
    return result
  }

  /// Inserts many keys at once, with exactly the results `insert(hash:fingerprint:)` would give
  /// one key at a time in the given order, written to `results` in that order.
  ///
  /// Keys in different shards never interact, so the keys are taken shard by shard, each shard's
  /// keys in their given order, in groups of 32 whose home slots are read first in a tight loop:
  /// their cache misses overlap instead of being paid one after another (one insertion's probe
  /// loop depends on the slot it loaded, which keeps the CPU from running ahead on its own). On
  /// the benchmark's 20 million keys this halves the time spent in the set.
  public mutating func insert(
    hashes: UnsafeBufferPointer<UInt64>, fingerprints: UnsafeBufferPointer<UInt32>,
    into results: UnsafeMutableBufferPointer<Insertion>
  ) {
    precondition(fingerprints.count == hashes.count && results.count >= hashes.count)
    let n = hashes.count
    // A stable counting sort of the positions by shard.
    var starts = [Int](repeating: 0, count: shards.count + 1)
    for h in hashes { starts[Int(h >> 56) + 1] += 1 }
    for s in 0..<shards.count { starts[s + 1] += starts[s] }
    var order = [Int32](repeating: 0, count: n)
    var next = starts
    for (i, h) in hashes.enumerated() {
      let s = Int(h >> 56)
      order[next[s]] = Int32(truncatingIfNeeded: i)
      next[s] += 1
    }
    var inserted = 0
    order.withUnsafeBufferPointer { order in
      shards.withUnsafeMutableBufferPointer { shards in
        for s in 0..<shards.count where starts[s] < starts[s + 1] {
          inserted += shards[s].insert(
            run: UnsafeBufferPointer(rebasing: order[starts[s]..<starts[s + 1]]), hashes: hashes,
            fingerprints: fingerprints, results: results)
        }
      }
    }
    count += inserted
  }

  /// Makes room for about `capacity` keys in all, so that a set filled from an input of known size
  /// reaches it without growing: each shard is sized for its expected share plus four standard
  /// deviations of the spread between shards (a binomial share s varies by about √s), at a load
  /// of ⅘. Never shrinks.
  public mutating func reserve(capacity: Int) {
    let share = capacity / shards.count
    let perShard = share + 4 * Int(Double(share).squareRoot().rounded(.up)) + 8
    for k in shards.indices { shards[k].reserve(perShard) }
  }

  /// What an insertion found.
  public enum Insertion: Equatable, Sendable {
    /// The key is new.
    case inserted
    /// The key was seen before, with the same content fingerprint.
    case duplicate
    /// The key was seen before with a different content fingerprint.
    case conflicting
  }

}

/// One shard of an `EventIDSet`: open addressing with linear probing. A slot holds the key's hash
/// without the shard byte (56 bits) and an 8-bit content fingerprint; 0 is empty.
private struct Shard: Sendable {
  var slots: [UInt64] = Array(repeating: 0, count: 64)
  var count = 0
  /// What the read-ahead loads of `insert(run:…)` saw, stored so the compiler keeps the loads.
  var touched: UInt64 = 0

  /// The home slot: multiply-shift on the hash bits below the shard byte.
  @inline(__always)
  static func home(_ bits: UInt64, size: Int) -> Int {
    Int(truncatingIfNeeded: bits.multipliedFullWidth(by: UInt64(size)).high)
  }

  /// Inserts the keys at positions `run` (in that order), writing each result at its position;
  /// returns how many were new. Works in groups of 32: the group's home slots are read first in a
  /// tight loop (independent loads, so their cache misses overlap), then the keys are inserted.
  mutating func insert(
    run: UnsafeBufferPointer<Int32>, hashes: UnsafeBufferPointer<UInt64>, fingerprints: UnsafeBufferPointer<UInt32>,
    results: UnsafeMutableBufferPointer<EventIDSet.Insertion>
  ) -> Int {
    var k = 0, inserted = 0, held = count
    while k < run.count {
      var full = false
      slots.withUnsafeMutableBufferPointer { table in
        let size = table.count
        var sink: UInt64 = 0
        while k < run.count && !full {
          let end = min(k + 32, run.count)
          for j in k..<end { sink ^= table[Self.home(hashes[Int(run[j])] << 8, size: size)] }
          while k < end {
            let i = Int(run[k])
            k += 1
            let result = Self.insert(hash: hashes[i], fingerprint: fingerprints[i], into: table)
            results[i] = result
            if result == .inserted {
              inserted += 1
              held += 1
              if held * 5 > size * 4 {
                full = true
                break
              }
            }
          }
        }
        touched ^= sink
      }
      count = held
      if full { grow() }
    }
    return inserted
  }

  /// One insertion into `table`, which has an empty slot: linear probing from the home slot (the
  /// shard byte is implied by the shard, so the slot keeps the hash's other 56 bits).
  @inline(__always)
  private static func insert(
    hash: UInt64, fingerprint: UInt32, into table: UnsafeMutableBufferPointer<UInt64>
  ) -> EventIDSet.Insertion {
    let bits = hash << 8
    var entry = bits | UInt64(fingerprint & 0xFF)
    if entry == 0 { entry = 1 }
    let size = table.count
    var slot = home(bits, size: size)
    while true {
      let current = table[slot]
      if current == 0 {
        table[slot] = entry
        return .inserted
      }
      if current & ~0xFF == bits { return current == entry ? .duplicate : .conflicting }
      slot += 1
      if slot == size { slot = 0 }
    }
  }

  mutating func insert(hash: UInt64, fingerprint: UInt32) -> EventIDSet.Insertion {
    let result = slots.withUnsafeMutableBufferPointer {
      Self.insert(hash: hash, fingerprint: fingerprint, into: $0)
    }
    guard result == .inserted else { return result }
    count += 1
    if count * 5 > slots.count * 4 { grow() }
    return .inserted
  }

  /// Grows the shard so that `keys` fit at a load of at most ⅘.
  mutating func reserve(_ keys: Int) {
    let size = keys + keys / 4 + 1
    if size > slots.count { rebuild(size: size) }
  }

  /// Grows the shard by a quarter.
  private mutating func grow() { rebuild(size: slots.count + slots.count / 4) }

  /// Re-places every entry in `size` slots, from its stored hash bits.
  private mutating func rebuild(size: Int) {
    var fresh = HugePages.array(repeating: UInt64(0), count: size)
    for entry in slots where entry != 0 {
      var slot = Self.home(entry & ~0xFF, size: size)
      while fresh[slot] != 0 {
        slot += 1
        if slot == size { slot = 0 }
      }
      fresh[slot] = entry
    }
    slots = fresh
  }
}
