/// The growing output of one block's transcoding: JSON text written through a raw pointer, with
/// the capacity checked once per value (`reserve`) instead of per byte, and a hard `limit`.
///
/// Owned by one `AvroDecoder` for one block; `free` releases it. Writers for the text of values
/// whose form takes more than a copy (integers, floats, strings, bytes) are here; logical types
/// are in `AvroJSONBuffer+Logical.swift`.
struct AvroJSONBuffer {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int
  /// The most bytes the buffer may hold.
  let limit: Int

  init(capacity: Int, limit: Int) {
    self.limit = limit
    self.capacity = max(64, min(capacity, limit))
    base = .allocate(capacity: self.capacity)
  }

  func free() { base.deallocate() }

  /// The bytes written.
  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

  /// Makes room for `n` more bytes; false when that would pass `limit`.
  @inline(__always)
  mutating func reserve(_ n: Int) -> Bool {
    if capacity - count >= n { return true }
    return grow(n)
  }

  private mutating func grow(_ n: Int) -> Bool {
    guard n <= limit - count else { return false }
    var larger = capacity
    while larger - count < n { larger = larger > limit / 2 ? limit : larger * 2 }
    let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    fresh.update(from: base, count: count)
    base.deallocate()
    base = fresh
    capacity = larger
    return true
  }

  /// Writes one byte (room reserved).
  @inline(__always)
  mutating func put(_ b: UInt8) {
    base[count] = b
    count += 1
  }

  /// Writes `n` bytes (room reserved).
  @inline(__always)
  mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
    (base + count).update(from: p, count: n)
    count += n
  }

  /// Writes an integer's decimal digits (room for 20 bytes reserved).
  mutating func putInteger(_ value: Int64) {
    var magnitude = value.magnitude
    if value < 0 { put(UInt8(ascii: "-")) }
    putDigits(magnitude: &magnitude, minimumWidth: 1)
  }

  /// Writes `magnitude` in decimal, zero-padded to `minimumWidth` (room reserved).
  mutating func putDigits(magnitude: inout UInt64, minimumWidth: Int) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
    let n = withUnsafeMutableBytes(of: &digits) { raw -> Int in
      var i = 24
      repeat {
        i -= 1
        raw[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
        magnitude /= 10
      } while magnitude > 0 || 24 - i < minimumWidth
      let n = 24 - i
      (base + count).update(from: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: n)
      return n
    }
    count += n
  }

  /// Writes a double as the shortest text that reads back to it, or `null` when not finite
  /// (room for 32 bytes reserved).
  mutating func putDouble(_ value: Double) {
    guard value.isFinite else { return putNull() }
    var text = value.description
    text.withUTF8 { put($0.baseAddress!, $0.count) }
  }

  /// Writes a float as the shortest text that reads back to the same float (not the double it
  /// converts to: `3.14`, not `3.140000104904175`), or `null` when not finite.
  mutating func putFloat(_ value: Float) {
    guard value.isFinite else { return putNull() }
    var text = value.description
    text.withUTF8 { put($0.baseAddress!, $0.count) }
  }

  mutating func putNull() {
    put(UInt8(ascii: "n"))
    put(UInt8(ascii: "u"))
    put(UInt8(ascii: "l"))
    put(UInt8(ascii: "l"))
  }

  static let hex = Array("0123456789abcdef".utf8)

  /// Writes a control character, `"` or `\` as a JSON escape (room for 6 bytes reserved).
  @inline(__always)
  mutating func putEscaped(_ b: UInt8) {
    put(UInt8(ascii: "\\"))
    switch b {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(b)
    case 0x0A: put(UInt8(ascii: "n"))
    case 0x0D: put(UInt8(ascii: "r"))
    case 0x09: put(UInt8(ascii: "t"))
    case 0x08: put(UInt8(ascii: "b"))
    case 0x0C: put(UInt8(ascii: "f"))
    default:
      put(UInt8(ascii: "u"))
      put(0x30)
      put(0x30)
      put(Self.hex[Int(b >> 4)])
      put(Self.hex[Int(b & 15)])
    }
  }

  /// Writes the UTF-8 `string` as a JSON string; returns the index of the first byte that is not
  /// valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included), or nil.
  /// Returns -1 when the output limit is reached.
  mutating func putString(_ s: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    var i = 0
    guard reserve(2) else { return -1 }
    put(UInt8(ascii: "\""))
    while i < n {
      // Chunks of 4 KiB, each with room for its worst case (every byte a 6-byte escape).
      let chunkEnd = min(n, i + 4096)
      guard reserve(6 * (chunkEnd - i) + 1) else { return -1 }
      while i < chunkEnd {
        let b = s[i]
        if b >= 0x20 && b < 0x80 {
          if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { putEscaped(b) } else { put(b) }
          i += 1
        } else if b < 0x20 {
          putEscaped(b)
          i += 1
        } else {
          let length = Self.sequenceLength(s + i, n - i)
          guard length > 0 else { return i }
          put(s + i, length)
          i += length
        }
      }
    }
    put(UInt8(ascii: "\""))
    return nil
  }

  /// The length of the valid UTF-8 sequence starting with a non-ASCII byte at `p`, or 0.
  @inline(__always)
  static func sequenceLength(_ p: UnsafePointer<UInt8>, _ available: Int) -> Int {
    let b0 = p[0]
    @inline(__always) func continuation(_ k: Int) -> Bool { k < available && p[k] & 0xC0 == 0x80 }
    switch b0 {
    case 0xC2...0xDF:
      return continuation(1) ? 2 : 0
    case 0xE0...0xEF:
      guard available >= 3 else { return 0 }
      let b1 = p[1]
      let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
      let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
      return b1 >= low && b1 <= high && continuation(2) ? 3 : 0
    case 0xF0...0xF4:
      guard available >= 4 else { return 0 }
      let b1 = p[1]
      let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
      let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
      return b1 >= low && b1 <= high && continuation(2) && continuation(3) ? 4 : 0
    default:
      return 0
    }
  }

  /// Writes bytes as a JSON string of the code points U+0000–U+00FF, one per byte (the
  /// convention of Avro's JSON encoding); false at the output limit.
  mutating func putLatin1(_ s: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    guard reserve(2) else { return false }
    put(UInt8(ascii: "\""))
    var i = 0
    while i < n {
      let chunkEnd = min(n, i + 4096)
      guard reserve(6 * (chunkEnd - i) + 1) else { return false }
      while i < chunkEnd {
        let b = s[i]
        if b >= 0x80 {
          put(0xC0 | (b >> 6))
          put(0x80 | (b & 0x3F))
        } else if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
          putEscaped(b)
        } else {
          put(b)
        }
        i += 1
      }
    }
    put(UInt8(ascii: "\""))
    return true
  }
}
