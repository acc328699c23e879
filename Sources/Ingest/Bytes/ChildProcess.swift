#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Synchronization

/// Starting a helper program (`gzip`) with `posix_spawnp`, found on `PATH`, with file actions
/// set by the caller (pipes and redirections). Used by `ByteSource` and `GzipFile`.
///
/// Pipes come from `makePipe`, close-on-exec: when two threads start children at once, neither
/// child inherits the other's pipe ends (a reader would otherwise wait for an end of file until
/// an unrelated child exits, and two children each waiting for the other's input never would).
/// Creating a pipe and spawning hold one lock, so no child starts between `pipe` and `fcntl`.
enum ChildProcess {
  private static let spawning = Mutex(())

  /// Creates a pipe whose two ends are close-on-exec; false (with `errno` set) when it cannot.
  static func makePipe(_ fds: inout [Int32]) -> Bool {
    spawning.withLock { _ in
      guard pipe(&fds) == 0 else { return false }
      _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
      _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
      return true
    }
  }

  /// The process id, or the `errno`-style code `posix_spawnp` returned.
  enum Started {
    case success(pid_t)
    case failure(Int32)
  }

  static func spawn(_ arguments: [String], configure: (inout posix_spawn_file_actions_t) -> Void) -> Started {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    configure(&actions)
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    cArguments.append(nil)
    defer { for pointer in cArguments { free(pointer) } }
    var pid: pid_t = 0
    let result = spawning.withLock { _ in posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ) }
    return result == 0 ? .success(pid) : .failure(result)
  }
}
