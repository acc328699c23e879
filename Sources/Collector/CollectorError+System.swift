#if canImport(Glibc)
  import Glibc
#endif

extension CollectorError {
  /// The error for a failed file system call on the data folder: `.diskFull` when the file
  /// system is full or the quota is used up (`ENOSPC`, `EDQUOT`), `.storage` for anything else
  /// (`EIO`, `EACCES`, `EROFS`, ...).
  ///
  /// - Parameters:
  ///   - path: the file or folder the call was about.
  ///   - operation: the call, as the message shows it (`write`, `fsync`, `rename`).
  ///   - code: the `errno` the call left.
  static func fileSystem(_ path: String, _ operation: String, _ code: Int32) -> CollectorError {
    code == ENOSPC || code == EDQUOT
      ? .diskFull(path: path) : .storage(path: path, operation: operation, code: code)
  }
}
