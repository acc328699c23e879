/// SHA-256 (FIPS 180-4, sections 5.1.1 and 6.2): the 32-byte digest of any number of bytes.
/// The digest of the three ASCII bytes `abc` is
/// `ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad` (`SHA256Tests`).
///
/// Incremental: `update` any number of times with pieces of any size (down to one byte), then
/// `finalize` once; the digest does not depend on how the bytes were split. Whole 64-byte blocks
/// are compressed straight from the caller's memory and only a partial block is copied into the
/// fixed 64-byte buffer, so an update allocates nothing. The value holds no reference (eight
/// state words, the buffer and a count), so copying a primed instance (as `HMACSHA256` does
/// per message) costs about 110 bytes of copying and no allocation.
///
/// The message may be up to 2^64 − 1 bits long, as the standard allows; the bit count wraps past
/// that, which no caller can reach.
public struct SHA256: Sendable {
  /// The length of a digest in bytes.
  public static let digestByteCount = 32
  /// The length of a block in bytes: the unit of compression and the HMAC key width.
  public static let blockByteCount = 64

  /// The intermediate hash value H0…H7 (FIPS 180-4, section 5.3.3 gives the initial words).
  private var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
  private var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
  /// The bytes of a partial block, `bufferCount` of them in front.
  private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
  private var bufferCount = 0
  /// Every byte given so far, for the length field of the padding.
  private var byteCount: UInt64 = 0
  private var finalized = false

  /// A hash of no bytes yet.
  public init() {}

  /// The SHA-256 digest of `bytes` (32 bytes).
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    var sha = SHA256()
    sha.update(bytes)
    return sha.finalize()
  }

  /// The SHA-256 digest of `bytes` (32 bytes).
  public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var sha = SHA256()
    sha.update(bytes)
    return sha.finalize()
  }

  /// Adds `bytes` to the message.
  ///
  /// A precondition refuses an update after `finalize()`.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    precondition(!finalized, "SHA256.update after finalize()")
    guard var p = bytes.baseAddress, bytes.count > 0 else { return }
    var n = bytes.count
    byteCount &+= UInt64(n)
    if bufferCount > 0 {
      let take = Swift.min(Self.blockByteCount - bufferCount, n)
      fillBuffer(from: p, count: take)
      p += take
      n -= take
      guard bufferCount == Self.blockByteCount else { return }
      compressBuffer()
    }
    let whole = n / Self.blockByteCount
    if whole > 0 {
      compress(p, blocks: whole)
      p += whole * Self.blockByteCount
      n -= whole * Self.blockByteCount
    }
    if n > 0 { fillBuffer(from: p, count: n) }
  }

  /// Adds `bytes` to the message: contiguous storage (an array, a slice, a string's UTF-8) is read
  /// in place, any other sequence through a 64-byte stack buffer.
  ///
  /// A precondition refuses an update after `finalize()`.
  public mutating func update(_ bytes: some Sequence<UInt8>) {
    let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
    guard done == nil else { return }
    var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &block) { raw in
      var count = 0
      for byte in bytes {
        raw[count] = byte
        count += 1
        if count == raw.count {
          update(UnsafeRawBufferPointer(raw))
          count = 0
        }
      }
      update(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
    }
  }

  /// The digest of every byte given (32 bytes, H0…H7 big-endian).
  ///
  /// Pads the message (a 1 bit, zeros, the 64-bit bit length) and compresses the last one or two
  /// blocks. The instance is spent afterwards: a precondition refuses a further `update` or
  /// `finalize`; copy the value first to go on from the same point.
  public mutating func finalize() -> [UInt8] {
    precondition(!finalized, "SHA256.finalize called twice")
    let bitCount = byteCount &* 8
    let used = bufferCount
    withUnsafeMutableBytes(of: &buffer) { raw in
      raw[used] = 0x80
      for i in (used + 1)..<raw.count { raw[i] = 0 }
    }
    if used + 1 > Self.blockByteCount - 8 {
      compressBuffer()
      buffer = (0, 0, 0, 0, 0, 0, 0, 0)
    }
    buffer.7 = bitCount.bigEndian
    compressBuffer()
    finalized = true
    return [UInt8](unsafeUninitializedCapacity: Self.digestByteCount) { out, count in
      for (i, word) in [h0, h1, h2, h3, h4, h5, h6, h7].enumerated() {
        out[4 * i] = UInt8(truncatingIfNeeded: word &>> 24)
        out[4 * i + 1] = UInt8(truncatingIfNeeded: word &>> 16)
        out[4 * i + 2] = UInt8(truncatingIfNeeded: word &>> 8)
        out[4 * i + 3] = UInt8(truncatingIfNeeded: word)
      }
      count = Self.digestByteCount
    }
  }

  /// Copies `count` bytes (no more than the free space) behind the buffered ones.
  private mutating func fillBuffer(from p: UnsafeRawPointer, count: Int) {
    let offset = bufferCount
    withUnsafeMutableBytes(of: &buffer) { raw in
      raw.baseAddress.unsafelyUnwrapped.advanced(by: offset).copyMemory(from: p, byteCount: count)
    }
    bufferCount += count
  }

  /// Compresses the full buffer and empties it.
  private mutating func compressBuffer() {
    var block = buffer
    withUnsafeBytes(of: &block) { raw in compress(raw.baseAddress.unsafelyUnwrapped, blocks: 1) }
    bufferCount = 0
  }

  /// The compression function (FIPS 180-4, section 6.2.2) over `blocks` consecutive 64-byte
  /// blocks at `base`, which need no alignment.
  private mutating func compress(_ base: UnsafeRawPointer, blocks: Int) {
    var (v0, v1, v2, v3, v4, v5, v6, v7) = (h0, h1, h2, h3, h4, h5, h6, h7)
    Self.roundConstants.withUnsafeBufferPointer { k in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
        var p = base
        for _ in 0..<blocks {
          for t in 0..<16 {
            w[t] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4 &* t, as: UInt32.self))
          }
          for t in 16..<64 {
            let x = w[t &- 15], y = w[t &- 2]
            let s0 = Self.rotate(x, 7) ^ Self.rotate(x, 18) ^ (x &>> 3)
            let s1 = Self.rotate(y, 17) ^ Self.rotate(y, 19) ^ (y &>> 10)
            w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
          }
          var (a, b, c, d, e, f, g, h) = (v0, v1, v2, v3, v4, v5, v6, v7)
          for t in 0..<64 {
            let s1 = Self.rotate(e, 6) ^ Self.rotate(e, 11) ^ Self.rotate(e, 25)
            let choice = (e & f) ^ (~e & g)
            let t1 = h &+ s1 &+ choice &+ k[t] &+ w[t]
            let s0 = Self.rotate(a, 2) ^ Self.rotate(a, 13) ^ Self.rotate(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ s0 &+ majority
          }
          v0 &+= a
          v1 &+= b
          v2 &+= c
          v3 &+= d
          v4 &+= e
          v5 &+= f
          v6 &+= g
          v7 &+= h
          p += Self.blockByteCount
        }
      }
    }
    (h0, h1, h2, h3, h4, h5, h6, h7) = (v0, v1, v2, v3, v4, v5, v6, v7)
  }

  @inline(__always)
  private static func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 {
    (x &>> n) | (x &<< (32 &- n))
  }

  /// K0…K63: the first 32 bits of the fractional parts of the cube roots of the first 64 primes
  /// (FIPS 180-4, section 4.2.2).
  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]
}
