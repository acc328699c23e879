import Foundation
import Testing
import TestSupport

@testable import Ingest

@Suite struct PathPatternTests {
  @Test func starAndQuestionStayInOneName() {
    #expect(PathPattern("*.json").matches([Array("a.json".utf8)]))
    #expect(!PathPattern("*.json").matches([Array("d".utf8), Array("a.json".utf8)]))
    #expect(PathPattern("data_?_0.csv.gz").matches([Array("data_3_0.csv.gz".utf8)]))
    #expect(!PathPattern("data_?_0.csv.gz").matches([Array("data_13_0.csv.gz".utf8)]))
  }

  @Test func doubleStarCrossesZeroOrMoreFolders() {
    let pattern = PathPattern("events/**/*.gz")
    #expect(pattern.matches(["events", "a.gz"].map { Array($0.utf8) }))
    #expect(pattern.matches(["events", "2026", "12", "a.gz"].map { Array($0.utf8) }))
    #expect(!pattern.matches(["other", "a.gz"].map { Array($0.utf8) }))
    #expect(pattern.mayMatchUnder(["events", "2026"].map { Array($0.utf8) }))
    #expect(!pattern.mayMatchUnder(["other"].map { Array($0.utf8) }))
  }

  @Test func classesRangesNegationAndEscapes() {
    func name(_ p: String, _ n: String) -> Bool { PathPattern.matchName(Array(p.utf8)[...], Array(n.utf8)[...]) }
    #expect(name("file[0-9].csv", "file7.csv"))
    #expect(!name("file[0-9].csv", "filex.csv"))
    #expect(name("file[!0-9].csv", "filex.csv"))
    #expect(name("file[^ab].csv", "filec.csv"))
    #expect(!name("file[^ab].csv", "filea.csv"))
    #expect(name("[]]x", "]x"))
    #expect(name("a\\*b", "a*b"))
    #expect(!name("a\\*b", "axb"))
    #expect(name("a[b", "a[b"))  // no closing bracket: a literal '['
    #expect(name("*a*b*c*", "xxaxxbxxcxx"))
    #expect(!name("*a*b*c*", "xxaxxcxxbxx"))
    // Backtracking stays linear: a long name against many stars.
    #expect(!name(String(repeating: "*a", count: 30) + "b", String(repeating: "a", count: 200)))
  }
}

@Suite struct FileTreeTests {
  private func tree() -> Scratch {
    let s = Scratch("file-tree")
    for dir in [
      "event_type=users.messages.email.Send/date=2026-10-01-10", "event_type=users.messages.email.Send/date=2026-10-01-09",
      "event_type=users.campaigns.EnrollInControl/date=2026-10-01-09", "_temporary/0", "b", "a%20b=x%2Fy",
    ] {
      try? FileManager.default.createDirectory(atPath: s.path + "/" + dir, withIntermediateDirectories: true)
    }
    s.write("event_type=users.messages.email.Send/date=2026-10-01-10/x+0+2.avro", "2")
    s.write("event_type=users.messages.email.Send/date=2026-10-01-09/x+0+1.avro", "1")
    s.write("event_type=users.campaigns.EnrollInControl/date=2026-10-01-09/x+0+1.avro", "3")
    s.write("_temporary/0/part-0000.json", "{}")
    s.write("_SUCCESS", "")
    s.write("b/part.json.tmp", "x")
    s.write("b/.part.json.crc", "x")
    s.write("b/empty.json", "")
    s.write("b/z.json", "{}")
    s.write("a%20b=x%2Fy/data.json", "{}")
    return s
  }

  @Test func aFolderIsReadRecursivelyInBytewiseOrderWithMarkersSkippedAndCounted() throws {
    let s = tree()
    let listing = try FileTree(s.path)
    #expect(listing.isTree)
    #expect(
      listing.files.map(\.relative) == [
        "a%20b=x%2Fy/data.json", "b/z.json",
        "event_type=users.campaigns.EnrollInControl/date=2026-10-01-09/x+0+1.avro",
        "event_type=users.messages.email.Send/date=2026-10-01-09/x+0+1.avro",
        "event_type=users.messages.email.Send/date=2026-10-01-10/x+0+2.avro",
      ])
    #expect(listing.files[2].partitions == [
      .init(key: "event_type", value: "users.campaigns.EnrollInControl"), .init(key: "date", value: "2026-10-01-09"),
    ])
    // Hive escapes: the key and value are %XX-decoded... the value only; the key is kept as written.
    #expect(listing.files[0].partitions == [.init(key: "a%20b", value: "x/y")])
    #expect(listing.skipped.map(\.relative) == ["_SUCCESS", "_temporary", "b/.part.json.crc", "b/empty.json", "b/part.json.tmp"])
    #expect(listing.skippedByReason.map(\.count) == [3, 1, 1])
    #expect(listing.files[4].size == 1)
  }

  @Test func aPatternMatchesUnderItsLiteralPrefix() throws {
    let s = tree()
    let send = try FileTree(s.path + "/event_type=users.messages.email.Send/**/*.avro")
    #expect(send.root == s.path + "/event_type=users.messages.email.Send")
    #expect(send.files.map(\.relative) == ["date=2026-10-01-09/x+0+1.avro", "date=2026-10-01-10/x+0+2.avro"])
    let hours = try FileTree(s.path + "/event_type=*/date=2026-10-01-0[0-9]/*.avro")
    #expect(hours.files.count == 2)
    #expect(hours.files.allSatisfy { $0.relative.contains("date=2026-10-01-09") })
  }

  @Test func nothingToReadIsAnErrorNamingWhatWasSkipped() {
    let s = tree()
    #expect(throws: IngestError.self) { try FileTree(s.path + "/**/*.parquet") }
    do {
      try? FileManager.default.createDirectory(atPath: s.path + "/markers", withIntermediateDirectories: true)
      s.write("markers/_SUCCESS", "")
      s.write("markers/.x.crc", "x")
      _ = try FileTree(s.path + "/markers")
      Issue.record("a folder of markers only listed files")
    } catch {
      #expect(error.description.contains("the folder holds no data file (2 name(s) skipped as not data, e.g. .x.crc"))
    }
    do {
      _ = try FileTree(s.path + "/missing/*.json")
      Issue.record("a missing folder listed files")
    } catch {
      #expect(error == .fileNotFound(path: s.path + "/missing"))
    }
    try? FileManager.default.createDirectory(atPath: s.path + "/none", withIntermediateDirectories: true)
    #expect(throws: IngestError.self) { try FileTree(s.path + "/none") }
  }

  @Test func aSymbolicLinkLoopIsSkippedAndCounted() throws {
    let s = tree()
    symlink(s.path + "/b", s.path + "/b/loop")
    symlink(s.path + "/missing-target", s.path + "/b/dangling")
    let listing = try FileTree(s.path + "/b")
    #expect(listing.files.map(\.relative) == ["z.json"])
    #expect(listing.skipped.contains(.init(relative: "loop", reason: .symlinkLoop)))
    #expect(listing.skipped.contains(.init(relative: "dangling", reason: .notRegular)))
  }

  /// Folders of one depth are listed on several threads, and a big folder's names statted on
  /// several: the listing is the one a one-thread walk gives, in order, skipped names included.
  @Test func theListingIsTheSameOnAnyNumberOfThreads() throws {
    let s = tree()
    // 300 hourly folders at the top (past the 256 names statted on one thread), some with a
    // marker, an empty file or a nested folder, and a loop deep down.
    for hour in 0..<300 {
      let folder = "hourly/date=2026-10-\(String(format: "%02d", hour / 24 + 1))-\(String(format: "%02d", hour % 24))"
      try FileManager.default.createDirectory(atPath: s.path + "/" + folder + "/inner", withIntermediateDirectories: true)
      s.write(folder + "/part-\(hour % 3).csv", String(repeating: "x", count: hour + 1))
      if hour % 7 == 0 { s.write(folder + "/_SUCCESS", "") }
      if hour % 11 == 0 { s.write(folder + "/empty.csv", "") }
      if hour % 13 == 0 { s.write(folder + "/inner/deep.csv", "y") }
    }
    symlink(s.path + "/hourly", s.path + "/hourly/date=2026-10-01-05/inner/loop")
    for path in [s.path, s.path + "/hourly", s.path + "/hourly/**/*.csv", s.path + "/hourly/date=2026-10-0[1-3]-1?/*.csv"] {
      let one = try FileTree(path, threads: 1)
      for threads in [2, 3, 8] {
        let many = try FileTree(path, threads: threads)
        #expect(many.files == one.files, "\(path), \(threads) threads")
        #expect(many.skipped == one.skipped, "\(path), \(threads) threads")
      }
    }
    let all = try FileTree(s.path + "/hourly", threads: 2)
    #expect(all.files.count == 300 + 24)
    #expect(all.files.first?.relative == "date=2026-10-01-00/inner/deep.csv")
    #expect(all.files[1].relative == "date=2026-10-01-00/part-0.csv")
    #expect(all.skipped.contains(.init(relative: "date=2026-10-01-05/inner/loop", reason: .symlinkLoop)))
    #expect(all.skippedByReason.map(\.count) == [43, 28, 1])
  }

  @Test func aZipIsRecognisedByItsSuffixInAnyCase() {
    for name in ["a.zip", "A.ZIP", "export.Zip", ".zip"] { #expect(FileTree.Walk.hasZipSuffix(name), "\(name)") }
    for name in ["zip", "a.zipx", "a_zip", "a.gz", "a.zi", "a.z\u{0130}p"] { #expect(!FileTree.Walk.hasZipSuffix(name), "\(name)") }
  }

  @Test func aSingleFileIsItselfAndNeverSkipped() throws {
    let s = tree()
    let path = s.path + "/b/part.json.tmp"
    let listing = try FileTree(path)
    #expect(!listing.isTree)
    #expect(listing.files.map(\.path) == [path])
    #expect(try FileTree("-").files.map(\.path) == ["-"])
  }
}
