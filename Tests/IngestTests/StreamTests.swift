#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import Ingest
import TestSupport
import Testing

/// Line-oriented streaming, transparent gzip (decoded in process), and their failures.
@Suite struct StreamTests {
  static func lines(_ path: String, blockSize: Int = 5) throws -> [(Int, String)] {
    var reader = try LineReader(path: path, blockSize: blockSize)
    var result: [(Int, String)] = []
    try reader.forEachLine { line, bytes in
      result.append((line, String(decoding: bytes, as: UTF8.self)))
      return true
    }
    return result
  }

  @Test(arguments: [1, 5, 1 << 16])
  func linesKeepTheirNumbersAcrossBlanksCRLFAndABOM(blockSize: Int) throws {
    let scratch = Scratch()
    let path = scratch.write("a.jsonl", "\u{FEFF}{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}")
    let result = try Self.lines(path, blockSize: blockSize)
    #expect(result.map(\.0) == [1, 4, 5])
    #expect(result.map(\.1) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
  }

  @Test func aLineLongerThanTheLimitStopsTheFile() throws {
    let scratch = Scratch()
    let path = scratch.write("long.jsonl", "{}\n" + String(repeating: "x", count: 100) + "\n")
    var reader = try LineReader(path: path, blockSize: 16, lineLimit: 32)
    #expect(throws: IngestError.recordTooLong(path: path, line: 2, limit: 32)) {
      try reader.forEachLine { _, _ in true }
    }
  }

  static func gzip(_ text: String, in scratch: Scratch, name: String) throws -> String {
    let path = scratch.path + "/" + name
    let file = try GzipFile(path: path)
    try file.write(text)
    try file.close()
    return path
  }

  @Test func gzipFilesAreReadTransparentlyAndWrittenDeterministically() throws {
    let scratch = Scratch()
    let text = (1...2000).map { "{\"n\":\($0)}" }.joined(separator: "\n") + "\n"
    let path = try Self.gzip(text, in: scratch, name: "a.jsonl.gz")
    let raw = try ByteSource(path: path)
    #expect(raw.isCompressed)
    let result = try Self.lines(path, blockSize: 64)
    #expect(result.count == 2000)
    #expect(result.last?.1 == "{\"n\":2000}")
    // The same text compresses to the same bytes (no name or time stamp in the header).
    let again = try Self.gzip(text, in: scratch, name: "b.jsonl.gz")
    #expect(try ByteSource(path: path).readAll() == ByteSource(path: again).readAll())
    let compressedA = scratch.read("a.jsonl.gz").map { Array($0.utf8) }
    let compressedB = scratch.read("b.jsonl.gz").map { Array($0.utf8) }
    #expect(compressedA == compressedB)
  }

  /// Bytes after the last gzip member (padding some uploaders add) do not make a complete
  /// archive an error: gzip decompresses everything and only warns (exit status 2), which used
  /// to be reported as "truncated or corrupt".
  @Test func trailingGarbageAfterACompleteArchiveReadsTheWholeText() throws {
    let scratch = Scratch()
    let text = (1...300).map { "{\"n\":\($0)}" }.joined(separator: "\n") + "\n"
    let path = try Self.gzip(text, in: scratch, name: "padded.jsonl.gz")
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data([0x00, 0x00, 0x00, 0x00, 0x41, 0x42]))
    handle.closeFile()
    #expect(try ByteSource(path: path).readAll() == Array(text.utf8))
  }

  @Test func aTruncatedArchiveIsAnErrorNotAShortFile() throws {
    let scratch = Scratch()
    let text = (1...5000).map { "{\"n\":\($0),\"pad\":\"\($0 * 7919)\"}" }.joined(separator: "\n")
    let path = try Self.gzip(text, in: scratch, name: "full.gz")
    let bytes = try ByteSource(path: path).readAll()  // decompressed
    #expect(bytes.count == text.utf8.count)
    // Cut the compressed file in half.
    let fd = open(path, O_RDONLY)
    var info = stat()
    fstat(fd, &info)
    close(fd)
    #expect(truncate(path, off_t(info.st_size / 2)) == 0)
    #expect(throws: IngestError.self) { try Self.lines(path) }
    do {
      _ = try Self.lines(path)
    } catch let error as IngestError {
      guard case .undecodable(_, let reason) = error else {
        Issue.record("expected undecodable, got \(error)")
        return
      }
      #expect(reason.contains("is gzip-compressed and the gzip data ends early (truncated at byte \(info.st_size / 2))"))
    }
  }

  @Test func missingAndDirectoryInputsAreClearErrors() throws {
    let scratch = Scratch()
    #expect(throws: IngestError.fileNotFound(path: scratch.path + "/nope.jsonl")) {
      _ = try LineReader(path: scratch.path + "/nope.jsonl")
    }
    #expect(throws: IngestError.notAFile(path: scratch.path, kind: "a directory")) {
      _ = try LineReader(path: scratch.path)
    }
  }
}

/// The de-duplication set: exact answers across growth, content conflicts, and the hash 0.
@Suite struct EventIDSetTests {
  @Test func membershipSurvivesGrowthAndConflictsAreToldApart() {
    var set = EventIDSet()
    var keys: [UInt64] = []
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<200_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      keys.append(state ^ (state >> 29))
    }
    for (i, key) in keys.enumerated() {
      #expect(set.insert(hash: key, fingerprint: UInt32(i & 0xFF)) == .inserted)
    }
    #expect(set.count == keys.count)
    var wrong = 0
    for (i, key) in keys.enumerated() {
      if set.insert(hash: key, fingerprint: UInt32(i & 0xFF)) != .duplicate { wrong += 1 }
      if set.insert(hash: key, fingerprint: UInt32((i + 1) & 0xFF)) != .conflicting { wrong += 1 }
    }
    #expect(wrong == 0)
    #expect(set.count == keys.count)
    #expect(set.memoryBytes < keys.count * 12)
    #expect(set.insert(hash: 0, fingerprint: 0) == .inserted)
    #expect(set.insert(hash: 0, fingerprint: 0) == .duplicate)
  }

  /// Keys whose home slots collide (same shard, same high bits) build long probe runs, one of
  /// which wraps around the end of the shard; every key is still found, before and after growth.
  @Test func collidingHomesAreAllFound() {
    var set = EventIDSet()
    let keys = (0..<3_000).map { UInt64(0xAB) << 56 | UInt64($0 % 2 == 0 ? 0xFF_FFFF_0000_0000 : 0) | UInt64($0) }
    var wrong = 0
    for (i, key) in keys.enumerated() {
      if set.insert(hash: key, fingerprint: 7) != .inserted { wrong += 1 }
      // Every key so far (a sample, to keep the test quick) is still there.
      if i % 97 == 0 {
        for earlier in keys[0...i] where set.insert(hash: earlier, fingerprint: 7) != .duplicate { wrong += 1 }
      }
    }
    #expect(wrong == 0)
    #expect(set.count == keys.count)
    for key in keys where set.insert(hash: key, fingerprint: 8) != .conflicting { wrong += 1 }
    #expect(wrong == 0)
  }

  /// Inserting keys in bulk (shard by shard, read ahead in groups) gives every key the answer
  /// sequential insertion gives, in the same order: repeats within one bulk call and across
  /// calls, conflicting reuses, growth in the middle of a call, and the count.
  @Test func bulkInsertionAnswersAsSequentialInsertion() {
    var bulk = EventIDSet(), sequential = EventIDSet()
    var state: UInt64 = 7
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
    var pool: [UInt64] = []
    var mismatches = 0
    for round in 0..<6 {
      var hashes: [UInt64] = [], fingerprints: [UInt32] = []
      for i in 0..<(5_000 * (round + 1)) {
        // Mostly new keys; some repeats of earlier keys (same or different content).
        if !pool.isEmpty && i % 5 == 0 {
          hashes.append(pool[Int(next() % UInt64(pool.count))])
          fingerprints.append(UInt32(next() % 2))
        } else {
          let key = next()
          pool.append(key)
          hashes.append(key)
          fingerprints.append(0)
        }
      }
      var results = [EventIDSet.Insertion](repeating: .inserted, count: hashes.count)
      hashes.withUnsafeBufferPointer { h in
        fingerprints.withUnsafeBufferPointer { f in
          results.withUnsafeMutableBufferPointer { bulk.insert(hashes: h, fingerprints: f, into: $0) }
        }
      }
      for (i, result) in results.enumerated()
      where sequential.insert(hash: hashes[i], fingerprint: fingerprints[i]) != result {
        mismatches += 1
      }
      #expect(results.contains(.duplicate) && results.contains(.conflicting))
    }
    #expect(mismatches == 0)
    #expect(bulk.count == sequential.count)
  }

  /// A set reserved for n keys takes them without growing, at a load near ⅘, and keeps the keys
  /// it held before the reservation.
  @Test func reservedSetDoesNotGrow() {
    var set = EventIDSet()
    var state: UInt64 = 42
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 31)
    }
    let early = (0..<1_000).map { _ in next() }
    for key in early { _ = set.insert(hash: key, fingerprint: 1) }
    set.reserve(capacity: 101_000)
    let reserved = set.memoryBytes
    #expect(reserved >= 101_000 * 10 && reserved <= 101_000 * 13)
    for _ in 0..<100_000 { #expect(set.insert(hash: next(), fingerprint: 1) == .inserted) }
    #expect(set.memoryBytes == reserved)
    #expect(early.allSatisfy { set.insert(hash: $0, fingerprint: 1) == .duplicate })
  }
}
