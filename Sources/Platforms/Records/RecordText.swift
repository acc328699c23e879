import MeasurementModel
/// The bytes of one `SourceRecord` (ids, event name, channel, de-duplication key): one buffer a
/// reader reuses for every record it reads.
///
/// A class over raw memory rather than a `[UInt8]`: the record is emptied and refilled with a
/// few short fields per row, and the array's bookkeeping for that (copy-on-write uniqueness
/// checks per append, `removeAll(keepingCapacity:)` through `replaceSubrange`, a `memmove` call
/// per field) cost about a tenth of reading a plain CSV row. Here emptying is `count = 0` and a
/// short field is copied inline.
///
/// The buffer views handed out (`subscript`, `withUnsafeBufferPointer`) are valid until the next
/// append, which may move the storage; a reader owns its record and never shares it between
/// threads.
package final class RecordText {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// The number of bytes held.
  private(set) var count = 0

  package init(capacity: Int = 256) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Empties the buffer, keeping its memory.
  @inline(__always)
  package func removeAll() { count = 0 }

  /// Makes room for `extra` more bytes.
  @inline(__always)
  private func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private func grow(to needed: Int) {
    var larger = capacity * 2
    while larger < needed { larger *= 2 }
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    moved.update(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = larger
  }

  /// Appends one byte.
  @inline(__always)
  package func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  /// Appends `bytes`, which must not point into this buffer (they may move).
  @inline(__always)
  package func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    let n = bytes.count
    guard n > 0, let source = bytes.baseAddress else { return }
    reserve(n)
    let target = UnsafeMutableRawPointer(base + count)
    let from = UnsafeRawPointer(source)
    // Fields are short: two overlapping loads and stores of 8 (or 4) bytes cover 4–16 bytes
    // without a loop or a call to memmove, and touch nothing outside either range.
    if n >= 8 && n <= 16 {
      let head = from.loadUnaligned(as: UInt64.self)
      let tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      target.storeBytes(of: head, as: UInt64.self)
      target.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 && n < 8 {
      let head = from.loadUnaligned(as: UInt32.self)
      let tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
      target.storeBytes(of: head, as: UInt32.self)
      target.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
    } else if n < 4 {
      for k in 0..<n { target.storeBytes(of: source[k], toByteOffset: k, as: UInt8.self) }
    } else {
      target.copyMemory(from: from, byteCount: n)
    }
    count += n
  }

  /// Appends the bytes of any collection (constants, Strings' UTF-8, array slices).
  package func append<C: Collection<UInt8>>(contentsOf bytes: C) {
    let handled: Void? = bytes.withContiguousStorageIfAvailable { append($0) }
    if handled != nil { return }
    reserve(bytes.count)
    for byte in bytes {
      base[count] = byte
      count += 1
    }
  }

  /// Appends a copy of the buffer's own bytes in `range`.
  package func appendCopy(of range: Range<Int>) {
    reserve(range.count)
    (base + count).update(from: base + range.lowerBound, count: range.count)
    count += range.count
  }

  /// Removes the bytes in `range`, moving the ones after it down.
  package func removeSubrange(_ range: Range<Int>) {
    let tail = count - range.upperBound
    if tail > 0 { (base + range.lowerBound).update(from: base + range.upperBound, count: tail) }
    count -= range.count
  }

  /// Drops every byte from `offset` on.
  package func removeSuffix(from offset: Int) { count = min(count, offset) }

  /// The bytes in `range` (valid until the next append).
  @inline(__always)
  package subscript(range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the record's text")
    return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
  }

  /// Calls `body` with every byte held (valid until the next append).
  // Not @inlinable: that would need `base` and `count` visible outside the class, and their
  // accesses from another module are then checked for exclusivity at run time
  // (swift_beginAccess on every record: +20 % instructions, measured).
  @inline(__always)
  package func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: base, count: count))
  }
}
