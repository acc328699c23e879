#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Interns byte strings (user ids, event names) as dense integer ids 0, 1, 2, …
///
/// Open addressing with linear probing; the hash (`hash(_:)`) is a fixed function of the bytes,
/// process-independent (Swift's `Hasher` is seeded per process and must never influence results).
/// Ids are assigned in insertion order, so they are deterministic for a given input order.
///
/// A slot is three words: a 24-bit hash tag, the key's length and its id, then the key's first 16
/// bytes. Keys of up to 16 bytes (most user ids and event names) are compared inside the slot, so
/// a lookup costs one cache miss; longer keys are compared against the arena of key bytes.
/// Memory: the key bytes plus about 56–104 bytes per key.
public struct ByteKeyTable: Sendable {
  private var arena: [UInt8] = []
  private var offsets: [Int] = [0]
  /// Open-addressing slots, three words each: word 0 is 0 when empty, else the hash's top 24 bits,
  /// the key length (capped at 255) and id + 1; words 1–2 hold the key's first 16 bytes.
  private var slots: [UInt64]
  private var mask: Int
  private var keyCount = 0

  /// An empty table sized for about `capacity` keys.
  public init(capacity: Int = 1024) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = HugePages.array(repeating: 0, count: size * 3)
    mask = size - 1
  }

  /// Word 0 of a slot: tag, length and id + 1.
  @inline(__always)
  private static func header(hash: UInt64, length: Int, id: Int32) -> UInt64 {
    (hash & 0xFFFF_FF00_0000_0000) | (UInt64(min(length, 255)) << 32) | UInt64(UInt32(bitPattern: id) &+ 1)
  }

  /// The key's first 16 bytes as two words, zero-padded (what a slot keeps of a key; also a cheap
  /// exact comparison of keys of at most 16 bytes, with their lengths).
  ///
  /// Read with whole-word loads that stay inside the key (no call to `memcpy` for a copy of
  /// variable length, which cost two calls per record): a key of n ≥ 8 bytes is its first word
  /// and, for the rest, the word ending at byte min(n, 16) shifted down past the bytes the first
  /// word already holds; 4 ≤ n < 8 the same with 4-byte loads; shorter keys byte by byte.
  @inlinable @inline(__always)
  public static func inlineWords(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    guard let base = key.baseAddress else { return (0, 0) }
    let raw = UnsafeRawPointer(base)
    let n = key.count
    if n >= 8 {
      let first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
      if n == 8 { return (first, 0) }
      let end = min(n, 16)
      let last = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
      return (first, last &>> UInt64(8 * (16 - end)))
    }
    if n >= 4 {
      let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
      let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
      return (low | (high &>> UInt64(8 * (8 - n))) &<< 32, 0)
    }
    var word: UInt64 = 0
    for k in 0..<n { word |= UInt64(base[k]) &<< UInt64(8 * k) }
    return (word, 0)
  }

  /// The number of distinct keys.
  public var count: Int { keyCount }

  /// The id of `key`, or nil when absent.
  public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
    probe(key, hash: Self.hash(key)).id
  }

  /// The id of `key`, inserting it when absent; `inserted` tells which.
  public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
    let h = Self.hash(key)
    let (slot, found) = probe(key, hash: h)
    if let found { return (found, false) }
    let id = Int32(keyCount)
    keyCount += 1
    arena.append(contentsOf: key)
    offsets.append(arena.count)
    let words = Self.inlineWords(key)
    slots[slot * 3] = Self.header(hash: h, length: key.count, id: id)
    slots[slot * 3 + 1] = words.0
    slots[slot * 3 + 2] = words.1
    if keyCount * 2 > mask + 1 { grow() }
    return (id, true)
  }

  /// Linear probing from the key's home slot: the key's id when present, else nil and the empty
  /// slot where it would go.
  @inline(__always)
  private func probe(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (slot: Int, id: Int32?) {
    let lookup = Lookup(
      hash: h, words: Self.inlineWords(key), length: Int32(truncatingIfNeeded: key.count), offset: 0)
    return slots.withUnsafeBufferPointer { table in
      probe(lookup, key: key, in: table, home: table[(Int(truncatingIfNeeded: h) & mask) &* 3])
    }
  }

  /// The probe itself, for a prepared key whose home slot's first word the caller has already
  /// loaded (`home`); `key` holds the key's bytes, read only for keys longer than 16 bytes.
  @inline(__always)
  private func probe(
    _ l: Lookup, key: UnsafeBufferPointer<UInt8>, in table: UnsafeBufferPointer<UInt64>, home: UInt64
  ) -> (slot: Int, id: Int32?) {
    let expected = Self.header(hash: l.hash, length: Int(l.length), id: 0) & 0xFFFF_FFFF_0000_0000
    var slot = Int(truncatingIfNeeded: l.hash) & mask
    var header = home
    while header != 0 {
      if header & 0xFFFF_FFFF_0000_0000 == expected {
        let id = Int32(truncatingIfNeeded: header & 0xFFFF_FFFF) &- 1
        if l.length <= 16 {
          if table[slot &* 3 + 1] == l.words.0 && table[slot &* 3 + 2] == l.words.1 { return (slot, id) }
        } else if equals(Int(id), key) {
          return (slot, id)
        }
      }
      slot = (slot + 1) & mask
      header = table[slot &* 3]
    }
    return (slot, nil)
  }

  /// A key prepared for `find(_:keys:into:)`: its hash, its first 16 bytes and where its bytes
  /// are in the caller's key buffer (only read for keys longer than 16 bytes).
  public struct Lookup: Sendable {
    var hash: UInt64
    var words: (UInt64, UInt64)
    var length: Int32
    var offset: Int32
  }

  /// Prepares `key`, whose bytes the caller keeps at `offset` in the buffer it will pass to
  /// `find(_:keys:into:)`.
  @inline(__always)
  public static func lookup(_ key: UnsafeBufferPointer<UInt8>, offset: Int) -> Lookup {
    Lookup(
      hash: hash(key), words: inlineWords(key), length: Int32(truncatingIfNeeded: key.count),
      offset: Int32(truncatingIfNeeded: offset))
  }

  /// Looks up many keys at once, writing each key's id (or −1 when absent) to `ids`.
  ///
  /// The same answers as `find(_:)` one key at a time, but faster on a table larger than the
  /// CPU caches: the home slots of a group of keys are loaded in one tight loop first, so their
  /// cache misses overlap instead of being paid one after another.
  public func find(
    _ lookups: UnsafeBufferPointer<Lookup>, keys: UnsafeBufferPointer<UInt8>, into ids: UnsafeMutableBufferPointer<Int32>
  ) {
    precondition(ids.count >= lookups.count)
    let group = 32
    slots.withUnsafeBufferPointer { table in
      var start = 0
      var firstWords = [UInt64](repeating: 0, count: group)
      firstWords.withUnsafeMutableBufferPointer { first in
        while start < lookups.count {
          let end = min(start + group, lookups.count)
          // Pass 1: independent loads of every home slot (the misses overlap).
          for i in start..<end { first[i - start] = table[(Int(truncatingIfNeeded: lookups[i].hash) & mask) &* 3] }
          // Pass 2: the probes, now mostly cache hits.
          for i in start..<end {
            let l = lookups[i]
            // Only a long key's bytes are in `keys` (a short one is compared in the slot).
            let key = l.length > 16
              ? UnsafeBufferPointer(rebasing: keys[Int(l.offset)..<Int(l.offset + l.length)])
              : UnsafeBufferPointer(start: nil, count: 0)
            ids[i] = probe(l, key: key, in: table, home: first[i - start]).id ?? -1
          }
          start = end
        }
      }
    }
  }

  /// Interns a String's UTF-8 bytes.
  @discardableResult
  public mutating func intern(_ key: String) -> Int32 {
    var copy = key
    return copy.withUTF8 { intern($0).id }
  }

  /// Looks up a String's UTF-8 bytes.
  public func find(_ key: String) -> Int32? {
    var copy = key
    return copy.withUTF8 { find($0) }
  }

  /// The key bytes of `id`, decoded as UTF-8 (invalid sequences replaced).
  public func string(_ id: Int32) -> String {
    let range = offsets[Int(id)]..<offsets[Int(id) + 1]
    return String(decoding: arena[range], as: UTF8.self)
  }

  /// Calls `body` with the key bytes of `id`.
  public func withKey<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    let range = offsets[Int(id)]..<offsets[Int(id) + 1]
    return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
  }

  /// Lexicographic byte order of the keys of `a` and `b`.
  public func precedes(_ a: Int32, _ b: Int32) -> Bool {
    let ra = offsets[Int(a)]..<offsets[Int(a) + 1]
    let rb = offsets[Int(b)]..<offsets[Int(b) + 1]
    return arena.withUnsafeBufferPointer { buffer in
      let x = buffer[ra], y = buffer[rb]
      let n = min(x.count, y.count)
      var i = 0
      while i < n {
        let cx = x[x.startIndex + i], cy = y[y.startIndex + i]
        if cx != cy { return cx < cy }
        i += 1
      }
      return x.count < y.count
    }
  }

  @inline(__always)
  private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    let (lower, upper) = offsets.withUnsafeBufferPointer { ($0[id], $0[id + 1]) }
    guard upper - lower == key.count else { return false }
    guard let base = key.baseAddress, key.count > 0 else { return true }
    return arena.withUnsafeBufferPointer { buffer in
      memcmp(buffer.baseAddress! + lower, base, key.count) == 0
    }
  }

  /// Doubles the slots, rehashing every key from its bytes (growth is rare: amortised O(1)).
  private mutating func grow() {
    let size = (mask + 1) * 2
    var fresh = HugePages.array(repeating: UInt64(0), count: size * 3)
    let newMask = size - 1
    arena.withUnsafeBufferPointer { bytes in
      offsets.withUnsafeBufferPointer { offsets in
        for id in 0..<keyCount {
          let key = UnsafeBufferPointer(rebasing: bytes[offsets[id]..<offsets[id + 1]])
          let h = Self.hash(key)
          var slot = Int(truncatingIfNeeded: h) & newMask
          while fresh[slot * 3] != 0 { slot = (slot + 1) & newMask }
          let words = Self.inlineWords(key)
          fresh[slot * 3] = Self.header(hash: h, length: key.count, id: Int32(id))
          fresh[slot * 3 + 1] = words.0
          fresh[slot * 3 + 2] = words.1
        }
      }
    }
    slots = fresh
    mask = newMask
  }

  /// A 64-bit hash of the bytes, fixed and process-independent (the same on every run and every
  /// little- or big-endian machine), read 8 bytes at a time.
  ///
  /// Each 8-byte little-endian word w is mixed as h ← (h ⊕ fold(w ⊕ k₁, k₂))·k₃, where fold(x, k)
  /// is the xor of the 128-bit product's halves (wyhash's "multiply-fold") and k₃ is odd, so each
  /// step is a bijection of the state for a given word: no word can reset the state (a word that
  /// entered the multiply-fold together with the state could zero it, and let anyone build
  /// colliding keys from the public constants). A tail shorter than 8 bytes is read as the
  /// overlapping last word, or, under 8 bytes in all, assembled from two overlapping 4-byte halves
  /// or single bytes. The length is mixed in first, so keys that differ only by trailing zero
  /// bytes differ; a final murmur3 `fmix64` avalanche gives linear probing well-mixed low and high
  /// bits. Per word: one 128-bit multiply and one 64-bit multiply, where the byte-at-a-time
  /// FNV-1a it replaced took a dependent multiply per byte.
  @inline(__always)
  public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let k1: UInt64 = 0xA076_1D64_78BD_642F
    let k2: UInt64 = 0xE703_7ED1_A0B4_28DB
    let k3: UInt64 = 0x9E37_79B9_7F4A_7C15  // odd: multiplying by it is a bijection
    @inline(__always) func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
      let product = a.multipliedFullWidth(by: b)
      return product.high ^ product.low
    }
    @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 { (h ^ fold(w ^ k1, k2)) &* k3 }
    let n = key.count
    var h = fold(UInt64(truncatingIfNeeded: n) ^ k2, k1)
    if let base = key.baseAddress, n > 0 {
      let p = UnsafeRawPointer(base)
      @inline(__always) func word(_ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      }
      if n >= 8 {
        var i = 0
        while i + 8 <= n {
          h = mix(h, word(i))
          i += 8
        }
        if i < n { h = mix(h, word(n - 8) ^ k3) }
      } else if n >= 4 {
        let low = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        let high = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
        h = mix(h, low | high << 32)
      } else {
        let w = UInt64(base[0]) | UInt64(base[n / 2]) << 8 | UInt64(base[n - 1]) << 16
        h = mix(h, w)
      }
    }
    h ^= h >> 33
    h = h &* 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    h = h &* 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 33
    return h
  }

}
