#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension IngestError {
  /// The error for a failed `open`/`read` of `path`: what the system said, and the fix for
  /// that cause (a missing file and a directory get their own cases).
  public static func reading(_ path: String, errno code: Int32) -> IngestError {
    switch code {
    case ENOENT, ENOTDIR: return .fileNotFound(path: path)
    case EISDIR: return .notAFile(path: path, kind: "a directory")
    default: return .unreadable(path: path, reason: cause(code, writing: false))
    }
  }

  /// The error for a failed `mkdir`, `open`, `write` or `rename` of output `path`.
  public static func writing(_ path: String, errno code: Int32) -> IngestError {
    .unwritable(path: path, reason: cause(code, writing: true))
  }

  /// `strerror(code)` followed by the fix for that cause.
  static func cause(_ code: Int32, writing: Bool) -> String {
    let said = String(cString: strerror(code))
    let fix: String
    switch code {
    case EACCES, EPERM:
      fix = writing
        ? "check the permissions of the directory it goes in (ls -ld), or choose another output path"
        : "check its permissions (ls -l), or run as a user who can read it"
    case ENOSPC: fix = "the filesystem is full; free some space or write elsewhere"
    case EDQUOT: fix = "the disk quota is used up; free some space or write elsewhere"
    case EFBIG: fix = "the file exceeds the file-size limit (ulimit -f) or the filesystem's; raise it or write elsewhere"
    case EROFS: fix = "the filesystem is read-only; choose an output path on a writable one"
    case ENOTDIR: fix = "a part of the path is a file, not a directory; fix the path"
    case EEXIST: fix = "a file with that name already exists where a directory is needed; remove it or choose another path"
    case EISDIR: fix = "a directory has that name; remove it or choose another path"
    case ELOOP: fix = "the path has a symbolic link loop; fix the link"
    case ENAMETOOLONG: fix = "the path or one of its names is too long; use a shorter one"
    case EMFILE, ENFILE: fix = "too many open files; raise the limit (ulimit -n) and retry"
    case EIO: fix = "the device reported an I/O error; check the disk or network filesystem, or copy the file locally"
    case ENXIO, ENODEV: fix = "it is a device or socket without a reader; give a regular file"
    case EBADF: fix = "the descriptor is closed (by >&- or <&- ?); connect it to a file or /dev/null"
    default: fix = writing ? "check the output path" : "check the path"
    }
    return "\(said); \(fix)"
  }
}
