#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Starting a helper program (`gzip`) with `posix_spawnp`, found on `PATH`, with file actions
/// set by the caller (pipes and redirections). Used by `ByteSource` and `GzipFile`.
enum ChildProcess {
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
    let result = posix_spawnp(&pid, arguments[0], &actions, nil, cArguments, environ)
    return result == 0 ? .success(pid) : .failure(result)
  }
}
