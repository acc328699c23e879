#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive lock on a cohort file for one `holdout cohort` run, held from reading the
/// previous rows to renaming the extended file into place: two runs on the same file (a cron job
/// that overlaps the last one, two people, the same contacts twice) take turns, and the second
/// reads the rows the first wrote. Without it, both read the same old file and the last rename
/// wins: the other run's entrants vanish although both print their counts.
///
/// The lock is `flock(2)` on `<cohort>.lock` beside the cohort: the cohort itself is replaced by
/// rename (`CohortWriter`), so its inode cannot carry a lock across runs. The kernel releases the
/// lock when the descriptor closes or the process ends, however it ends, so a killed run leaves
/// no stale lock. The empty lock file stays: removing it would let a third run lock a new file
/// while a second still holds the old one.
///
/// Rejected: an `O_EXCL` marker file (a crash leaves it behind, and telling a stale marker from a
/// slow run needs a pid check that a container or NFS breaks), and locking the cohort file
/// itself (see above).
public final class CohortLock {
  /// The lock file's path.
  public let path: String
  private let descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Takes the lock of the cohort at `cohortPath`, waiting up to `timeout` seconds for another
  /// run to finish; `waiting` is called once, when the lock is held by someone else.
  public static func acquire(
    for cohortPath: String, timeout: Double, waiting: () -> Void = {}
  ) throws(EnrollmentError) -> CohortLock {
    let path = cohortPath + ".lock"
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw .lock(path: path, message: "cannot open the lock file: \(String(cString: strerror(errno))); check that the cohort's folder exists and is writable")
    }
    var told = false
    let deadline = monotonicSeconds() + timeout
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let error = errno
      guard error == EWOULDBLOCK || error == EINTR else {
        close(descriptor)
        throw .lock(path: path, message: "cannot lock: \(String(cString: strerror(error)))")
      }
      if !told {
        waiting()
        told = true
      }
      guard monotonicSeconds() < deadline else {
        close(descriptor)
        throw .lock(
          path: path,
          message: "another holdout cohort run has held this lock for over \(Int(timeout)) s; let it finish, or find it (fuser \(path)) before running again")
      }
      usleep(50_000)
    }
    return CohortLock(path: path, descriptor: descriptor)
  }

  private static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
