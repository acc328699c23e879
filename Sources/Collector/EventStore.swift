import Ingest

#if canImport(Glibc)
  import Glibc
#endif

/// The durable store of accepted webhook events: hourly JSON-lines files that the report reads as
/// folder sources.
///
/// **Layout.** `<data>/<endpoint>/date=YYYY-MM-DD-HH/<run>.jsonl`, the hour being the UTC hour of
/// receipt and `<run>` this process's run (`part-<start time in µs, 16 digits>-<pid>`), so names
/// are unique and sort by start time. While its hour is open a file is named `<run>.jsonl.tmp`,
/// which the report's folder reader skips. If a file of this run is retired (a failed flush) or
/// its hour receives events after it was closed, the next file of that hour is
/// `<run>_0002.jsonl`, and so on.
///
/// **Durability.** `append` returns only when its lines are written and flushed (group commit:
/// concurrent callers share one flush per file and round; `HourFile` has the rules), all of them
/// or none. A file is closed by a flush, the rename to `.jsonl` and a flush of its folder: by
/// `closeFinishedHours(now:)` once its hour ended more than `Options.closeGrace` ago, and by
/// `close()`. New folders and files are flushed into their parent folders before the first
/// append to them returns.
///
/// **One process.** `init` takes an exclusive lock on `<data>/.holdout-serve.lock` (`flock`, let
/// go when the process ends however it ends), so two servers never share a data folder; then it
/// recovers what a killed run left (`recovery`). Call `close()` before the process exits: a file
/// left open stays `.tmp` until the next run recovers it.
public final class EventStore: @unchecked Sendable {
  /// How the store writes.
  public struct Options: Sendable {
    /// Whether each round is flushed before its callers return (`fdatasync`). Off only to
    /// measure what the flushes cost: nothing is durable before the file is closed.
    public var syncs: Bool
    /// How long after its hour ends a file is closed by `closeFinishedHours(now:)`, in µs, so
    /// that requests received just before the hour's end are written into it.
    public var closeGrace: Int64
    /// Called after every flush of a data file with its latency in seconds (for the
    /// `holdout_fsync_seconds` histogram), on the thread that flushed, outside any lock.
    public var onFsync: (@Sendable (_ seconds: Double) -> Void)?
    /// The write and flush calls (tests make them fail).
    var calls = FileCalls.system

    public init(
      syncs: Bool = true, closeGrace: Int64 = 10 * Timestamp.microsecondsPerSecond,
      onFsync: (@Sendable (_ seconds: Double) -> Void)? = nil
    ) {
      self.syncs = syncs
      self.closeGrace = closeGrace
      self.onFsync = onFsync
    }
  }

  /// What the store has done since it was opened, for `/metrics` and logs.
  public struct Counters: Sendable, Equatable {
    /// `append` calls that returned with their lines durable.
    public var appends = 0
    /// Rounds written and flushed (each one or more appends).
    public var rounds = 0
    /// Rounds that failed and were cut off again.
    public var failedRounds = 0
    /// Flushes of data files: one per round (with `syncs` on), one after cutting a failed round
    /// off, one at each close.
    public var fsyncs = 0
    /// Lines written in acknowledged rounds.
    public var lines = 0
    /// Bytes written in acknowledged rounds, newlines included.
    public var bytes: Int64 = 0
    /// Hour files created and closed (a retired file counts as closed).
    public var filesOpened = 0
    public var filesClosed = 0

    public init() {}
  }

  /// The data folder, without a trailing `/`.
  public let data: String
  /// This process's run: the stem of its file names.
  public let run: String
  /// What `init` did with the files a previous run left open.
  public let recovery: Recovery

  let options: Options
  let counterState = Locked(Counters())
  private let files = Locked(OpenFiles())
  private let lockDescriptor: Int32

  /// The hour files being written, by endpoint and hour.
  private struct OpenFiles: Sendable {
    var byHour: [HourKey: HourFile] = [:]
    var closed = false
    var locked = true
  }

  struct HourKey: Hashable, Sendable, Comparable {
    var endpoint: String
    var hour: Int64

    static func < (a: HourKey, b: HourKey) -> Bool {
      a.hour != b.hour
        ? a.hour < b.hour : Array(a.endpoint.utf8).lexicographicallyPrecedes(b.endpoint.utf8)
    }
  }

  /// Opens the store on `data` (created if missing), locks it for this process and recovers the
  /// files a previous run left open (`recovery`).
  ///
  /// - Throws: `.configuration` when another process holds the data folder; `.storage` or
  ///   `.diskFull` when the folder cannot be created, locked or recovered.
  public convenience init(data: String, options: Options = Options()) throws(CollectorError) {
    let run = EventStore.runName(startedAt: EventStore.now(), pid: getpid())
    try self.init(data: data, options: options, run: run)
  }

  /// Opens the store with a given run name (tests).
  init(data: String, options: Options, run: String) throws(CollectorError) {
    var root = data
    while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
    self.data = root
    self.run = run
    self.options = options
    try EventStore.makeFolders(root)
    let lockPath = root + "/.holdout-serve.lock"
    let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .fileSystem(lockPath, "open", errno) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      Glibc.close(descriptor)
      if code == EWOULDBLOCK {
        throw .configuration(
          "\(root) is in use by another holdout serve (\(lockPath) is locked); give each server its own --data"
        )
      }
      throw .fileSystem(lockPath, "flock", code)
    }
    lockDescriptor = descriptor
    do {
      recovery = try EventStore.recover(data: root)
    } catch {
      Glibc.close(descriptor)
      throw error
    }
  }

  deinit {
    releaseLock()
  }

  /// Lets go of the data folder's lock, once.
  private func releaseLock() {
    files.withLock { open in
      if open.locked { Glibc.close(lockDescriptor) }
      open.locked = false
    }
  }

  /// What the store has done so far.
  public var counters: Counters { counterState.withLock { $0 } }

  /// Writes `lines` into the endpoint's file for the UTC hour of `receivedAt`, each followed by
  /// `\n`, and returns when they are durable: written and flushed (`fdatasync`).
  ///
  /// Concurrent calls share flushes (group commit). All or nothing: when the round this call
  /// joined fails, its bytes are cut off the file again and every call in it throws. An empty
  /// `lines` returns at once.
  ///
  /// - Parameters:
  ///   - endpoint: the endpoint's folder: `[a-z0-9_-]` segments separated by `/`
  ///     (`events/braze`), none empty or starting with `_`.
  ///   - lines: the lines, none containing `\n` (the caller's guarantee).
  ///   - receivedAt: when the request was received, in µs since 1970-01-01 UTC.
  /// - Throws: `.configuration` for an endpoint that is not a folder name of that form;
  ///   `.diskFull` (nothing of the call was kept); `.storage` for any other failed call, and after
  ///   `close()`.
  public func append(endpoint: String, lines: [[UInt8]], receivedAt: Int64) throws(CollectorError) {
    try EventStore.validate(endpoint: endpoint)
    guard !lines.isEmpty else { return }
    let key = HourKey(endpoint: endpoint, hour: EventStore.hour(of: receivedAt))
    while true {
      let file = try hourFile(key)
      switch file.append(lines) {
      case .durable: return
      case .pending: preconditionFailure("an append returned before its round was written")
      case .failed(let error): throw error
      case .retry:
        files.withLock { open in
          if open.byHour[key] === file { open.byHour[key] = nil }
        }
      }
    }
  }

  /// Closes the files whose hour ended more than `Options.closeGrace` before `now`, oldest hour
  /// first. Appends already waiting on such a file finish first; later appends for its hour go
  /// to a new file. The server calls this every few seconds.
  ///
  /// - Parameter now: the current time, in µs since 1970-01-01 UTC.
  /// - Returns: the number of files closed.
  /// - Throws: the first failure; every due file is still attempted (one left `.tmp` is closed
  ///   by the next run's recovery).
  @discardableResult
  public func closeFinishedHours(now: Int64) throws(CollectorError) -> Int {
    let due = files.withLock { open in
      let keys = open.byHour.keys.filter {
        now - ($0.hour + 1) * EventStore.microsecondsPerHour > options.closeGrace
      }
      return keys.sorted().compactMap { open.byHour.removeValue(forKey: $0) }
    }
    return try EventStore.closeAll(due)
  }

  /// Closes every open file, refuses later appends and lets go of the data folder's lock. Call
  /// it once the server stopped accepting requests; appends still in flight finish first.
  /// Closing twice does nothing.
  ///
  /// - Throws: the first failure; every file is still attempted.
  public func close() throws(CollectorError) {
    let all = files.withLock { open in
      open.closed = true
      let files = open.byHour.keys.sorted().compactMap { open.byHour[$0] }
      open.byHour = [:]
      return files
    }
    defer { releaseLock() }
    _ = try EventStore.closeAll(all)
  }

  /// The bytes free for unprivileged users on the data folder's file system (`statvfs`), or nil
  /// when it cannot be asked.
  public func diskFreeBytes() -> Int64? {
    var info = statvfs()
    guard statvfs(data, &info) == 0 else { return nil }
    return Int64(info.f_bavail) * Int64(info.f_frsize)
  }

  /// The current time in µs since 1970-01-01 UTC (`CLOCK_REALTIME`): `receivedAt` and `now`.
  public static func now() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
  }

  /// The open file for `key`, created (folders and all) when there is none.
  private func hourFile(_ key: HourKey) throws(CollectorError) -> HourFile {
    let found = files.withLock { (open: inout OpenFiles) -> Result<HourFile, CollectorError> in
      guard !open.closed else {
        return .failure(
          .storage(path: data, operation: "append (the store is closed)", code: EBADF))
      }
      if let file = open.byHour[key] { return .success(file) }
      let created = createFile(key)
      if case .success(let file) = created {
        open.byHour[key] = file
        counterState.withLock { $0.filesOpened += 1 }
      }
      return created
    }
    return try found.get()
  }

  /// Closes `files` in order; throws the first failure after trying them all.
  private static func closeAll(_ files: [HourFile]) throws(CollectorError) -> Int {
    var first: CollectorError? = nil
    for file in files {
      if let failure = file.close(), first == nil { first = failure }
    }
    if let first { throw first }
    return files.count
  }
}
