#if canImport(Glibc)
  import Glibc
#endif

/// Large arrays that ask the kernel for transparent huge pages (2 MiB) before they are first
/// touched.
///
/// The join's per-user rows, the cohort's hash slots and the de-duplication set are read at
/// random, a cache miss and, with 4 KiB pages, a TLB miss per access: a million users' rows span
/// 16,000 pages, far more than the TLB holds. Linux usually backs anonymous memory with huge
/// pages only on request (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`), so the
/// arrays that are read at random are allocated uninitialised, advised with
/// `madvise(MADV_HUGEPAGE)` and only then filled. Measured on the benchmark's 1M users and 20M
/// shuffled events (bench/RESULTS.md): the one-thread report about 10–20 % faster.
///
/// Only the whole 2 MiB pages inside an allocation are advised, so nothing outside it is
/// affected; smaller arrays, other systems, and kernels that refuse (THP `never`) get ordinary
/// pages. Answers never depend on it.
public enum HugePages {
  /// The huge page size assumed (x86-64 and most arm64 kernels).
  public static let size = 2 << 20

  /// An array of `count` copies of `value`, backed by huge pages where the kernel allows.
  public static func array<T: BitwiseCopyable>(repeating value: T, count: Int) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      advise(UnsafeMutableRawBufferPointer(buffer))
      if count > 0 { buffer.baseAddress!.initialize(repeating: value, count: count) }
      initialized = count
    }
  }

  /// Advises the whole huge pages inside `buffer` (none when it spans fewer than two).
  static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let range = alignedRange(start: Int(bitPattern: buffer.baseAddress), count: buffer.count) else { return }
    #if os(Linux)
      _ = madvise(UnsafeMutableRawPointer(bitPattern: range.lowerBound), range.count, 14 /* MADV_HUGEPAGE */)
    #endif
  }

  /// The addresses of the whole `size`-aligned pages within `start..<start + count`, or nil when
  /// there are none (an allocation under two pages rarely holds a whole one worth advising).
  public static func alignedRange(start: Int, count: Int) -> Range<Int>? {
    guard start != 0, count >= 2 * size else { return nil }
    let lower = (start + size - 1) / size * size
    let upper = (start + count) / size * size
    return lower < upper ? lower..<upper : nil
  }
}
