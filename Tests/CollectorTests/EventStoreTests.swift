import Ingest
import Testing

@testable import Collector

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct EventStoreTests {
  /// 2026-10-03T14:22:05Z in µs.
  static let afternoon: Int64 = 1_791_037_325_000_000
  static let hour = EventStore.microsecondsPerHour

  static func lines(_ texts: String...) -> [[UInt8]] { texts.map { Array($0.utf8) } }

  @Test func hoursAndFoldersAreUTC() throws {
    #expect(Timestamp.format(Self.afternoon) == "2026-10-03T14:22:05Z")
    #expect(EventStore.hourFolderName(EventStore.hour(of: Self.afternoon)) == "date=2026-10-03-14")
    #expect(EventStore.hourFolderName(EventStore.hour(of: -1)) == "date=1969-12-31-23")
    #expect(EventStore.hourFolderName(EventStore.hour(of: 0)) == "date=1970-01-01-00")
    #expect(
      EventStore.runName(startedAt: 1_791_044_525_000_001, pid: 42) == "part-1791044525000001-42")
  }

  @Test func linesLandInTheirHourFileWhichIsTemporaryUntilClosed() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let store = try EventStore(data: folder.path + "/data/", options: .init(), run: "part-test")
    #expect(store.recovery == EventStore.Recovery())
    try store.append(
      endpoint: "braze", lines: Self.lines("{\"a\":1}", "{\"b\":2}"), receivedAt: Self.afternoon)
    try store.append(
      endpoint: "braze", lines: Self.lines("{\"c\":3}"), receivedAt: Self.afternoon + 1000)
    try store.append(
      endpoint: "events/klaviyo", lines: Self.lines("k"), receivedAt: Self.afternoon + Self.hour)
    try store.append(endpoint: "braze", lines: [], receivedAt: Self.afternoon)

    #expect(folder.names("data/braze/date=2026-10-03-14") == ["part-test.jsonl.tmp"])
    #expect(
      folder.read("data/braze/date=2026-10-03-14/part-test.jsonl.tmp")
        == "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n")
    #expect(folder.names("data/events/klaviyo/date=2026-10-03-15") == ["part-test.jsonl.tmp"])
    let counters = store.counters
    #expect(
      counters.appends == 3 && counters.lines == 4 && counters.bytes == 26
        && counters.filesOpened == 2)
    #expect(counters.rounds == 3 && counters.fsyncs == 3)

    try store.close()
    #expect(folder.names("data/braze/date=2026-10-03-14") == ["part-test.jsonl"])
    #expect(
      folder.read("data/braze/date=2026-10-03-14/part-test.jsonl")
        == "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n")
    #expect(folder.read("data/events/klaviyo/date=2026-10-03-15/part-test.jsonl") == "k\n")
    #expect(store.counters.filesClosed == 2 && store.counters.fsyncs == 5)
    try store.close()
    let error = #expect(throws: CollectorError.self) {
      try store.append(endpoint: "braze", lines: Self.lines("late"), receivedAt: Self.afternoon)
    }
    #expect(error?.description.contains("the store is closed") == true)
    #expect(store.diskFreeBytes().map { $0 > 0 } == true)
  }

  @Test func closeFinishedHoursClosesOnlyHoursPastTheGrace() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let options = EventStore.Options(closeGrace: 10_000_000)
    let store = try EventStore(data: folder.path, options: options, run: "part-test")
    let fourteen = EventStore.hour(of: Self.afternoon) * Self.hour
    try store.append(endpoint: "braze", lines: Self.lines("14"), receivedAt: fourteen + 5)
    try store.append(
      endpoint: "braze", lines: Self.lines("15"), receivedAt: fourteen + Self.hour + 5)

    #expect(try store.closeFinishedHours(now: fourteen + Self.hour + 10_000_000) == 0)
    #expect(folder.names("braze/date=2026-10-03-14") == ["part-test.jsonl.tmp"])
    #expect(try store.closeFinishedHours(now: fourteen + Self.hour + 10_000_001) == 1)
    #expect(folder.names("braze/date=2026-10-03-14") == ["part-test.jsonl"])
    #expect(folder.names("braze/date=2026-10-03-15") == ["part-test.jsonl.tmp"])

    // A late event for a closed hour goes to a new file of this run; the closed one is untouched.
    try store.append(endpoint: "braze", lines: Self.lines("14 late"), receivedAt: fourteen + 9)
    #expect(
      folder.names("braze/date=2026-10-03-14") == ["part-test.jsonl", "part-test_0002.jsonl.tmp"])
    try store.close()
    #expect(folder.read("braze/date=2026-10-03-14/part-test.jsonl") == "14\n")
    #expect(folder.read("braze/date=2026-10-03-14/part-test_0002.jsonl") == "14 late\n")
    #expect(folder.read("braze/date=2026-10-03-15/part-test.jsonl") == "15\n")
  }

  @Test func concurrentAppendsShareFlushesAndKeepEveryLineOnce() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let observed = Locked((count: 0, seconds: 0.0))
    let options = EventStore.Options(onFsync: { seconds in
      precondition(seconds >= 0)
      observed.withLock {
        $0.count += 1
        $0.seconds += seconds
      }
    })
    let store = try EventStore(data: folder.path, options: options, run: "part-test")
    let threads = 32
    let appends = 500
    let failures = Locked(0)
    Threads.run(threads) { thread in
      for i in 0..<appends {
        do {
          try store.append(
            endpoint: "braze", lines: [Array("{\"t\":\(thread),\"i\":\(i)}".utf8)],
            receivedAt: Self.afternoon)
        } catch {
          failures.withLock { $0 += 1 }
        }
      }
    }
    try store.close()
    #expect(failures.withLock { $0 } == 0)

    let text = try #require(folder.read("braze/date=2026-10-03-14/part-test.jsonl"))
    #expect(text.last == "\n")
    let written = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(written.count == threads * appends)
    #expect(Set(written).count == threads * appends)
    for thread in [0, 17, 31] {
      #expect(written.contains("{\"t\":\(thread),\"i\":\(appends - 1)}"))
    }
    let counters = store.counters
    #expect(counters.appends == threads * appends && counters.lines == threads * appends)
    #expect(counters.rounds <= counters.appends)
    #expect(counters.fsyncs == counters.rounds + counters.filesClosed)
    let flushes = observed.withLock { $0 }
    #expect(flushes.count == counters.fsyncs)
    let ratio = Double(counters.rounds) / Double(counters.appends)
    let meanMilliseconds = flushes.seconds / Double(flushes.count) * 1000
    print(
      "EventStore group commit: \(counters.appends) appends from \(threads) threads in "
        + "\(counters.rounds) rounds (\(ratio) flushes per append; mean flush \(meanMilliseconds) ms)")
  }

  @Test func underFailuresAndClosingExactlyTheAcknowledgedLinesAreKept() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let writes = Locked(0)
    let syncs = Locked(0)
    var options = EventStore.Options(closeGrace: 0)
    options.calls.write = { descriptor, bytes, offset in
      guard
        writes.withLock({
          $0 += 1
          return $0
        }) % 37 == 0
      else {
        return FileCalls.system.write(descriptor, bytes, offset)
      }
      _ = FileCalls.system.write(
        descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)), offset)
      return -Int(EIO)
    }
    options.calls.sync = { descriptor in
      syncs.withLock({
        $0 += 1
        return $0
      }) % 29 == 0 ? EIO : FileCalls.system.sync(descriptor)
    }
    let store = try EventStore(data: folder.path, options: options, run: "part-test")
    let acknowledged = Locked<[String]>([])
    let refused = Locked(0)
    let appenders = Locked(16)
    Threads.run(17) { thread in
      guard thread < 16 else {
        // Closes every file again and again while the others append: late appends open new files.
        while appenders.withLock({ $0 }) > 0 {
          _ = try? store.closeFinishedHours(now: Self.afternoon + 10 * Self.hour)
          usleep(1000)
        }
        return
      }
      var mine: [String] = []
      for i in 0..<200 {
        let batch = (0...(i % 3)).map { "t\(thread)-\(i)-\($0)" }
        do {
          try store.append(
            endpoint: i % 2 == 0 ? "braze" : "events/klaviyo", lines: batch.map { Array($0.utf8) },
            receivedAt: Self.afternoon + Int64(i % 3) * Self.hour)
          mine += batch
        } catch {
          refused.withLock { $0 += 1 }
        }
      }
      acknowledged.withLock { $0 += mine }
      appenders.withLock { $0 -= 1 }
    }
    try store.close()

    var found: [String] = []
    for endpoint in ["braze", "events/klaviyo"] {
      for hourFolder in folder.names(endpoint) {
        for name in folder.names(endpoint + "/" + hourFolder) {
          #expect(name.hasSuffix(".jsonl"))
          let text = try #require(folder.read(endpoint + "/" + hourFolder + "/" + name))
          #expect(text.last == "\n")
          found += text.split(separator: "\n").map(String.init)
        }
      }
    }
    let kept = acknowledged.withLock { $0 }
    #expect(refused.withLock { $0 } > 0)
    #expect(found.count == kept.count)
    #expect(Set(found) == Set(kept))
    let counters = store.counters
    #expect(counters.lines == kept.count && counters.filesOpened == counters.filesClosed)
    print(
      "EventStore under failures: \(counters.appends) appends kept, \(refused.withLock { $0 }) "
        + "refused, \(counters.filesOpened) files")
  }

  @Test func recoveryClosesLeftFilesAndKeepsTornTails() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    folder.write("braze/date=2026-10-03-14/part-old.jsonl.tmp", "{\"a\":1}\n{\"b\":2}\n{\"c\":")
    folder.write("braze/date=2026-10-03-14/part-whole.jsonl.tmp", "{\"w\":1}\n")
    folder.write("events/klaviyo/date=2026-10-03-15/part-old.jsonl.tmp", "{\"torn")
    folder.write("braze/date=2026-10-03-13/part-older.jsonl", "{\"closed\":1}\n{\"no newline")
    folder.write("braze/notes.jsonl.tmp", "left alone")

    let store = try EventStore(data: folder.path, options: .init(), run: "part-test")
    var expected = EventStore.Recovery()
    expected.filesClosed = 2
    expected.emptyFilesRemoved = 1
    expected.tornLines = 2
    expected.tornBytes = 11
    #expect(store.recovery == expected)
    #expect(
      store.recovery.description
        == "recovered 2 file(s) left open by an earlier run, removed 1 empty one(s); 2 torn line(s), 11 byte(s), kept under _torn/"
    )

    #expect(folder.names("braze/date=2026-10-03-14") == ["part-old.jsonl", "part-whole.jsonl"])
    #expect(folder.read("braze/date=2026-10-03-14/part-old.jsonl") == "{\"a\":1}\n{\"b\":2}\n")
    #expect(folder.read("braze/date=2026-10-03-14/part-whole.jsonl") == "{\"w\":1}\n")
    #expect(folder.names("braze/_torn") == ["date=2026-10-03-14-part-old.jsonl-16.partial"])
    #expect(folder.read("braze/_torn/date=2026-10-03-14-part-old.jsonl-16.partial") == "{\"c\":")
    #expect(folder.names("events/klaviyo/date=2026-10-03-15") == [])
    #expect(
      folder.read("events/klaviyo/_torn/date=2026-10-03-15-part-old.jsonl-0.partial") == "{\"torn")
    #expect(
      folder.read("braze/date=2026-10-03-13/part-older.jsonl") == "{\"closed\":1}\n{\"no newline")
    #expect(folder.read("braze/notes.jsonl.tmp") == "left alone")
    try store.close()
  }

  @Test func aFailedWriteIsCutOffAndTheFileKept() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let failNext = Locked(false)
    var options = EventStore.Options()
    options.calls.write = { descriptor, bytes, offset in
      guard failNext.withLock({ $0 }) else {
        return FileCalls.system.write(descriptor, bytes, offset)
      }
      failNext.withLock { $0 = false }
      // Half the round reaches the file, then the disk is full.
      _ = FileCalls.system.write(
        descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(bytes.count / 2)), offset)
      return -Int(ENOSPC)
    }
    let store = try EventStore(data: folder.path, options: options, run: "part-test")
    let file = "braze/date=2026-10-03-14/part-test.jsonl.tmp"
    try store.append(endpoint: "braze", lines: Self.lines("first"), receivedAt: Self.afternoon)
    failNext.withLock { $0 = true }
    let error = #expect(throws: CollectorError.self) {
      try store.append(
        endpoint: "braze", lines: Self.lines("second", "more of it"), receivedAt: Self.afternoon)
    }
    #expect(error == .diskFull(path: folder.path + "/" + file))
    #expect(folder.read(file) == "first\n")
    try store.append(endpoint: "braze", lines: Self.lines("third"), receivedAt: Self.afternoon)
    #expect(folder.read(file) == "first\nthird\n")
    #expect(
      store.counters.failedRounds == 1 && store.counters.appends == 2 && store.counters.lines == 2)
    try store.close()
    #expect(folder.names("braze/date=2026-10-03-14") == ["part-test.jsonl"])
  }

  @Test func aFailedFlushRetiresTheFile() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let failNext = Locked(false)
    var options = EventStore.Options()
    options.calls.sync = { descriptor in
      guard failNext.withLock({ $0 }) else { return FileCalls.system.sync(descriptor) }
      failNext.withLock { $0 = false }
      return EIO
    }
    let store = try EventStore(data: folder.path, options: options, run: "part-test")
    let hourFolder = "braze/date=2026-10-03-14"
    try store.append(endpoint: "braze", lines: Self.lines("kept"), receivedAt: Self.afternoon)
    failNext.withLock { $0 = true }
    let error = #expect(throws: CollectorError.self) {
      try store.append(endpoint: "braze", lines: Self.lines("lost"), receivedAt: Self.afternoon)
    }
    #expect(
      error
        == .storage(
          path: folder.path + "/" + hourFolder + "/part-test.jsonl.tmp", operation: "fsync",
          code: EIO))
    // The retired file is closed with its acknowledged bytes; the next append opens a fresh one.
    #expect(folder.names(hourFolder) == ["part-test.jsonl"])
    #expect(folder.read(hourFolder + "/part-test.jsonl") == "kept\n")
    try store.append(endpoint: "braze", lines: Self.lines("after"), receivedAt: Self.afternoon)
    #expect(folder.names(hourFolder) == ["part-test.jsonl", "part-test_0002.jsonl.tmp"])
    try store.close()
    #expect(folder.read(hourFolder + "/part-test.jsonl") == "kept\n")
    #expect(folder.read(hourFolder + "/part-test_0002.jsonl") == "after\n")
    #expect(
      store.counters.failedRounds == 1 && store.counters.filesOpened == 2
        && store.counters.filesClosed == 2)
  }

  @Test func withoutSyncsOnlyTheCloseFlushes() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let store = try EventStore(data: folder.path, options: .init(syncs: false), run: "part-test")
    for i in 0..<10 {
      try store.append(endpoint: "braze", lines: Self.lines("\(i)"), receivedAt: Self.afternoon)
    }
    #expect(store.counters.fsyncs == 0 && store.counters.rounds == 10)
    try store.close()
    #expect(store.counters.fsyncs == 1)
    #expect(
      folder.read("braze/date=2026-10-03-14/part-test.jsonl") == "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n")
  }

  @Test(arguments: [
    "", "/braze", "braze/", "a//b", "_torn", "events/_x", "Braze", "../x", "a.b", "é",
  ])
  func endpointsThatAreNotFolderNamesAreRefused(_ endpoint: String) throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let store = try EventStore(data: folder.path, options: .init(), run: "part-test")
    let error = #expect(throws: CollectorError.self) {
      try store.append(endpoint: endpoint, lines: Self.lines("x"), receivedAt: Self.afternoon)
    }
    #expect(error?.exitCode == 64)
    try store.close()
    #expect(folder.names("") == [".holdout-serve.lock"])
  }

  @Test func nestedEndpointFoldersAreAccepted() throws {
    for endpoint in ["events/braze", "a-b_c", "x/y/z9", "a_"] {
      try EventStore.validate(endpoint: endpoint)
    }
  }

  @Test func aSecondStoreOnTheSameDataIsRefused() throws {
    let folder = TemporaryFolder()
    defer { folder.remove() }
    let first = try EventStore(data: folder.path)
    #expect(first.run.hasPrefix("part-") && first.run.hasSuffix("-\(getpid())"))
    let error = #expect(throws: CollectorError.self) { _ = try EventStore(data: folder.path) }
    #expect(error?.exitCode == 64)
    try first.close()
    let second = try EventStore(data: folder.path)
    try second.close()
  }
}
