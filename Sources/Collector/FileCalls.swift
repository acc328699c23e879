#if canImport(Glibc)
  import Glibc
#endif

/// The two system calls a commit round makes on an hour file, as closures, so tests can make
/// them fail (a full disk half-way through a round, an `EIO` from `fsync`) without a file system
/// that really fails. Everything else (open, rename, truncate, folder syncs) calls the system
/// directly.
struct FileCalls: Sendable {
  /// Writes the bytes at the file offset (`pwrite`); returns the count written (possibly fewer
  /// than asked) or `-errno`. `EINTR` is the caller's to retry.
  var write:
    @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, _ offset: Int64) -> Int
  /// Flushes the file's data and size to the disk; returns 0 or the `errno`.
  var sync: @Sendable (_ descriptor: Int32) -> Int32

  /// The real calls: `pwrite` and `fdatasync` (which flushes the data and the file size, all a
  /// reader needs; the modification time may lag).
  static let system = FileCalls(
    write: { descriptor, bytes, offset in
      let written = pwrite(descriptor, bytes.baseAddress, bytes.count, off_t(offset))
      return written < 0 ? -Int(errno) : written
    },
    sync: { descriptor in fdatasync(descriptor) == 0 ? 0 : errno })
}
