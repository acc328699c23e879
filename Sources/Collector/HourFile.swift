import Ingest

#if canImport(Glibc)
  import Glibc
#endif

/// One open hour file, `<folder>/<stem>.jsonl.tmp`, and its group commit.
///
/// **Group commit.** Appends join the *open* round: their lines are copied into its buffer,
/// each followed by `\n`. When no round is in flight, the caller that finds none becomes the
/// leader: it takes the open round (later appends start the next one), writes it at the end of
/// the acknowledged bytes, flushes it once (`fdatasync`), and wakes everyone; callers of the
/// finished round return its outcome, and one caller of the next round leads it. A round is
/// therefore whatever arrived while the previous one was being written and flushed; memory is
/// the in-flight round plus the open one.
///
/// **All or nothing.** A round whose write fails is cut off again (`ftruncate` to the length
/// before it, then flushed) and every caller in it gets the error; the file stays in use. A round
/// whose flush fails is cut off the same way, but the file is retired: after a failed `fsync`
/// the page cache's state is unknown, so it is closed and renamed to `.jsonl` with its
/// acknowledged bytes, and the callers waiting in the next round are told to retry on a fresh
/// file. A file whose cut could not be flushed is retired the same way; one that could not be
/// truncated is retired and left as `.tmp` (with the failed round's bytes after the acknowledged
/// ones) for the next run's recovery, which cuts only a torn last line off. Acknowledged bytes
/// are never rewritten, moved or truncated; the file's length only grows past them.
final class HourFile: @unchecked Sendable {
  /// What an append's round came to.
  enum Outcome: Equatable {
    /// Not written yet.
    case pending
    /// Written and flushed (or written, with `syncs` off).
    case durable
    /// Nothing of the round was kept.
    case failed(CollectorError)
    /// The file was closed or retired before the round was written: append to a fresh file.
    case retry
  }

  /// Appends written and flushed together. Guarded by the file's mutex until its leader takes it.
  ///
  /// Each round has its own condition: when a round ends, only its callers are woken (they
  /// return), and one caller of the next round (it leads that round). With one condition for the
  /// file, every waiter of the next round woke too and went back to sleep: at 64 connections
  /// that was most of the context switches per request.
  final class Round {
    var bytes: [UInt8] = []
    var lines = 0
    var appends = 0
    var outcome = Outcome.pending
    let ended: UnsafeMutablePointer<pthread_cond_t>

    init() {
      ended = .allocate(capacity: 1)
      pthread_cond_init(ended, nil)
    }

    deinit {
      pthread_cond_destroy(ended)
      ended.deallocate()
    }
  }

  private enum State { case open, closing, finished }

  /// The hour folder.
  let folder: String
  /// The file's name without `.jsonl` or `.jsonl.tmp`.
  let stem: String
  var temporaryPath: String { folder + "/" + stem + ".jsonl.tmp" }
  var finalPath: String { folder + "/" + stem + ".jsonl" }

  private let descriptor: Int32
  private let calls: FileCalls
  private let syncs: Bool
  private let counters: Locked<EventStore.Counters>
  private let onFsync: (@Sendable (Double) -> Void)?
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  // Guarded by `mutex`, except that the leader (or the closer, once the file is drained) uses
  // `length` and the descriptor alone.
  private var length: Int64 = 0
  private var open = Round()
  private var leading = false
  private var state = State.open
  private var descriptorOpen = true

  /// Takes over `descriptor`, an empty file just created as `temporaryPath`.
  init(
    folder: String, stem: String, descriptor: Int32, options: EventStore.Options,
    counters: Locked<EventStore.Counters>
  ) {
    self.folder = folder
    self.stem = stem
    self.descriptor = descriptor
    self.calls = options.calls
    self.syncs = options.syncs
    self.onFsync = options.onFsync
    self.counters = counters
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
    condition = .allocate(capacity: 1)
    pthread_cond_init(condition, nil)
  }

  deinit {
    if descriptorOpen { Glibc.close(descriptor) }
    pthread_cond_destroy(condition)
    condition.deallocate()
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Appends `lines`, each followed by `\n`, and returns when their round is durable or failed.
  ///
  /// - Returns: `.durable`, `.failed(error)` (nothing of the call was kept), or `.retry` when the
  ///   file was closing or retired and the lines were not written (append them to a fresh file).
  func append(_ lines: [[UInt8]]) -> Outcome {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    guard state == .open else { return .retry }
    let round = open
    for line in lines {
      round.bytes.append(contentsOf: line)
      round.bytes.append(UInt8(ascii: "\n"))
    }
    round.lines += lines.count
    round.appends += 1
    while round.outcome == .pending {
      guard !leading else {
        pthread_cond_wait(round.ended, mutex)
        continue
      }
      // No round is in flight, so this caller's pending round is the open one: lead it.
      leading = true
      let batch = open
      open = Round()
      pthread_mutex_unlock(mutex)
      let (outcome, retire) = commit(batch)
      if retire { finishRetired() }
      pthread_mutex_lock(mutex)
      batch.outcome = outcome
      pthread_cond_broadcast(batch.ended)
      if retire {
        state = .finished
        open.outcome = .retry
        pthread_cond_broadcast(open.ended)
        open = Round()
      } else if open.appends > 0 {
        // One caller of the next round wakes to lead it.
        pthread_cond_signal(open.ended)
      }
      leading = false
      // `close()` waits on the file's condition for the rounds to drain.
      pthread_cond_broadcast(condition)
    }
    return round.outcome
  }

  /// Closes the file: lets the rounds already joined finish, refuses new appends (`.retry`),
  /// flushes the file (`fsync`), renames it to `.jsonl` and flushes the folder. A file with no
  /// acknowledged bytes is removed instead. A retired or closed file is left as it is.
  ///
  /// - Returns: nil, or the first failure (the file is renamed even when its final flush fails:
  ///   with `syncs` on, its bytes were flushed when they were acknowledged).
  func close() -> CollectorError? {
    pthread_mutex_lock(mutex)
    guard state == .open else {
      pthread_mutex_unlock(mutex)
      return nil
    }
    state = .closing
    while leading || open.appends > 0 { pthread_cond_wait(condition, mutex) }
    let retired = state == .finished
    pthread_mutex_unlock(mutex)
    if retired { return nil }
    var failure: CollectorError? = nil
    if length > 0 {
      let code = timedSync(fullSync: true)
      if code != 0 { failure = .fileSystem(temporaryPath, "fsync", code) }
    }
    closeDescriptor()
    if length > 0 {
      if rename(temporaryPath, finalPath) != 0 && failure == nil {
        failure = .fileSystem(temporaryPath, "rename", errno)
      }
    } else {
      unlink(temporaryPath)
    }
    let code = EventStore.syncFolder(folder)
    if code != 0 && failure == nil { failure = .fileSystem(folder, "fsync", code) }
    counters.withLock { $0.filesClosed += 1 }
    pthread_mutex_lock(mutex)
    state = .finished
    pthread_mutex_unlock(mutex)
    return failure
  }

  /// Writes and flushes `round` after the acknowledged bytes (the leader alone runs this).
  ///
  /// - Returns: the round's outcome, and whether the file must be retired.
  private func commit(_ round: Round) -> (Outcome, retire: Bool) {
    let start = length
    let code: Int32 = round.bytes.withUnsafeBytes { all in
      var written = 0
      while written < all.count {
        let rest = UnsafeRawBufferPointer(rebasing: all[written...])
        let result = calls.write(descriptor, rest, start + Int64(written))
        if result > 0 {
          written += result
        } else if result != -Int(EINTR) {
          return result == 0 ? EIO : Int32(-result)
        }
      }
      return 0
    }
    if code != 0 {
      let flushed = cutBack(to: start)
      counters.withLock { $0.failedRounds += 1 }
      return (.failed(.fileSystem(temporaryPath, "write", code)), !flushed)
    }
    if syncs {
      let code = timedSync(fullSync: false)
      if code != 0 {
        _ = cutBack(to: start)
        counters.withLock { $0.failedRounds += 1 }
        return (.failed(.fileSystem(temporaryPath, "fsync", code)), true)
      }
    }
    length = start + Int64(round.bytes.count)
    counters.withLock {
      $0.rounds += 1
      $0.appends += round.appends
      $0.lines += round.lines
      $0.bytes += Int64(round.bytes.count)
    }
    return (.durable, false)
  }

  /// Whether the last failed round was cut off again (the leader's): the file holds only
  /// acknowledged bytes.
  private var cutWorked = true

  /// Truncates the file back to `start`, the acknowledged bytes (`cutWorked`), and flushes that;
  /// returns whether both worked. A file whose cut was not flushed is retired like one whose
  /// round was not: after a failed flush the page cache's state is unknown.
  private func cutBack(to start: Int64) -> Bool {
    cutWorked = ftruncate(descriptor, off_t(start)) == 0
    return cutWorked && (!syncs || timedSync(fullSync: false) == 0)
  }

  /// Closes a retired file (the leader alone runs this): renamed to `.jsonl` with its
  /// acknowledged bytes when the failed round was cut off, removed when it has none, and left as
  /// `.tmp` for the next run's recovery when the cut failed.
  private func finishRetired() {
    closeDescriptor()
    guard cutWorked else { return }
    if length > 0 {
      _ = rename(temporaryPath, finalPath)
    } else {
      unlink(temporaryPath)
    }
    _ = EventStore.syncFolder(folder)
    counters.withLock { $0.filesClosed += 1 }
  }

  private func closeDescriptor() {
    if descriptorOpen { Glibc.close(descriptor) }
    descriptorOpen = false
  }

  /// One flush of the file's data: `FileCalls.sync`, or a full `fsync` at close. Counted and
  /// timed; returns 0 or the `errno`.
  private func timedSync(fullSync: Bool) -> Int32 {
    var before = timespec()
    clock_gettime(CLOCK_MONOTONIC, &before)
    let code = fullSync ? (fsync(descriptor) == 0 ? 0 : errno) : calls.sync(descriptor)
    var after = timespec()
    clock_gettime(CLOCK_MONOTONIC, &after)
    let seconds =
      Double(after.tv_sec - before.tv_sec) + Double(after.tv_nsec - before.tv_nsec) / 1e9
    counters.withLock { $0.fsyncs += 1 }
    onFsync?(seconds)
    return code
  }
}
