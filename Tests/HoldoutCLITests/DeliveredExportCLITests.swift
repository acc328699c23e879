import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Sources as the platforms deliver them, at the command line: folders, patterns and zip
/// archives, with hostile names, bombs, nothing to read, and a file that shrinks while read.
@Suite struct DeliveredExportCLITests {
  static let header = "user_id,event,timestamp,value\n"

  /// A zip archive of stored members, written here (names as given, bytes as given).
  static func storedZip(_ members: [(String, String)]) -> [UInt8] {
    func crc32(_ bytes: [UInt8]) -> UInt32 {
      var crc: UInt32 = 0xFFFF_FFFF
      for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
      }
      return ~crc
    }
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
    var out: [UInt8] = [], central: [UInt8] = []
    for (name, text) in members {
      let data = Array(text.utf8), nameBytes = Array(name.utf8), crc = crc32(data)
      let offset = UInt32(out.count)
      let common = le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0) + le32(crc) + le32(UInt32(data.count))
        + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0)
      out += le32(0x0403_4B50) + common + nameBytes + data
      central += le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
    }
    let start = UInt32(out.count)
    out += central
    out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
      + le32(UInt32(central.count)) + le32(start) + le16(0)
    return out
  }

  @Test func memberNamesThatClimbOutAreNamesNeverPaths() throws {
    let rows = (1...20).map { "u\($0),order,2026-01-02T00:00:00Z,3\n" }
    let zip = Self.storedZip([
      ("../../escape.csv", Self.header + rows[0..<10].joined()), ("/tmp/absolute.csv", Self.header + rows[10...].joined()),
      ("__MACOSX/._escape.csv", "junk"),
    ])
    let (scratch, _) = HostileFileTests.scratch(events: [])
    let path = scratch.write("zipped.json", HostileFileTests.experiment.replacingOccurrences(of: "events.csv", with: "events.zip"))
    scratch.write("events.zip", bytes: zip)
    let run = CapturedRun(["report", path, "--format", "json"])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.out.contains("\"file\": \"events.zip:../../escape.csv\""), "\(run.out.prefix(400))")
    #expect(run.out.contains("\"file\": \"events.zip:/tmp/absolute.csv\""))
    #expect(run.out.contains("hidden or writer's marker"))
    // Nothing was written where the names point (other tests share the temporary folder, so the
    // check is by name, not by counting its entries).
    for path in [scratch.path + "/../../escape.csv", scratch.path + "/../escape.csv", scratch.path + "/escape.csv", "/tmp/absolute.csv"] {
      #expect(!FileManager.default.fileExists(atPath: path), "\(path)")
    }
    let used = run.out.components(separatedBy: "\"used\": 10").count - 1
    #expect(used == 2, "each member's 10 rows are used")
  }

  /// Over a folder, a repeated key names the file of its first copy, not only its line (line 2
  /// of which file, among thousands?); within one file the line alone is enough.
  @Test func inspectNamesTheFirstCopysFileWhenADuplicateIsInAnotherFile() throws {
    let scratch = Scratch("holdout-delivered")
    let header = "user_id,event,timestamp,event_id\n"
    for day in ["01", "02"] {
      try FileManager.default.createDirectory(atPath: scratch.path + "/export/day=\(day)", withIntermediateDirectories: true)
    }
    scratch.write("export/day=01/part-0.csv", header + "u1,order,2026-01-01T10:00:00Z,e1\nu2,order,2026-01-01T11:00:00Z,e2\n")
    scratch.write("export/day=02/part-0.csv", header + "u1,order,2026-01-01T10:00:00Z,e1\nu3,order,2026-01-02T09:00:00Z,e3\nu3,order,2026-01-02T09:00:00Z,e3\n")
    let run = CapturedRun(["inspect", scratch.path + "/export", "--format", "holdout"])
    #expect(run.status == 0, "\(run.err)")
    #expect(run.out.contains("| day=02/part-0.csv | 2 | duplicate of day=01/part-0.csv:2 |"), "\(run.out)")
    #expect(run.out.contains("| day=02/part-0.csv | 4 | duplicate of line 3 |"), "\(run.out)")
  }

  /// Over a folder of more than 1,024 files the listing and report.json's per-file accounts are
  /// made on several threads: the documents are byte for byte those of one thread.
  @Test func aReportOverThousandsOfFilesIsTheSameOnAnyNumberOfThreads() throws {
    let (scratch, _) = HostileFileTests.scratch(events: [])
    for hour in 0..<1_100 {
      let folder = "export/date=2026-01-\(hour / 24 + 2 < 10 ? "0" : "")\(hour / 24 + 2)-\(hour % 24 < 10 ? "0" : "")\(hour % 24)"
      try FileManager.default.createDirectory(atPath: scratch.path + "/" + folder, withIntermediateDirectories: true)
      // A rejected row now and then, so examples are written too.
      let bad = hour % 97 == 0 ? "u3,order,not-a-time,1\n" : ""
      scratch.write(folder + "/part-0.csv", Self.header + "u\(hour % 40 + 1),order,2026-01-02T00:00:00Z,\(hour % 9)\n" + bad)
    }
    let path = scratch.write("folder.json", HostileFileTests.experiment.replacingOccurrences(of: "events.csv", with: "export"))
    var documents: [[String]] = []
    for threads in [1, 2, 4] {
      let out = scratch.path + "/out-\(threads)"
      let run = CapturedRun(["report", path, "--out", out, "--threads", "\(threads)"])
      #expect(run.status == 0, "\(run.err)")
      documents.append(try ["report.json", "report.md", "report.html"].map { try String(contentsOfFile: out + "/" + $0, encoding: .utf8) })
    }
    #expect(documents[1] == documents[0])
    #expect(documents[2] == documents[0])
    let json = documents[0][0]
    #expect(json.components(separatedBy: #"{"input": "events", "file": "export/date="#).count - 1 == 1_100)
    #expect(json.contains(#""rejected_by_reason": {"bad_timestamp": 1}, "examples": ["export/date=2026-01-02-00/part-0.csv:3: "#), "\(json.prefix(2000))")
  }

  @Test func aZipBombIsRefusedBeforeAnythingIsDecompressed() throws {
    let (scratch, _) = HostileFileTests.scratch(events: [])
    let path = scratch.write("bomb.json", HostileFileTests.experiment.replacingOccurrences(of: "events.csv", with: "events.zip"))
    let bomb = try #require(FileManager.default.contents(atPath: TestPaths.repository("Tests/CompressionTests/Fixtures/zip/bomb-claims.zip")))
    scratch.write("events.zip", bytes: [UInt8](bomb))
    let run = CapturedRun(["report", path])
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.hasPrefix("error: \(scratch.path)/events.zip: is a zip archive that cannot be read: "), "\(run.err)")
    #expect(run.err.contains("limit"), "\(run.err)")
  }

  @Test func aPatternOrFolderWithNothingToReadExits66NamingWhatWasSkipped() throws {
    let (scratch, _) = HostileFileTests.scratch(events: [])
    try FileManager.default.createDirectory(atPath: scratch.path + "/export/_temporary", withIntermediateDirectories: true)
    scratch.write("export/_SUCCESS", "")
    scratch.write("export/part-0.csv.tmp", "x")
    for (name, events, message) in [
      ("folder", "export", "export: the folder holds no data file (3 name(s) skipped as not data, e.g. _SUCCESS"),
      ("pattern", "export/*.csv", "export/*.csv: the pattern matches no data file"),
    ] {
      let path = scratch.write("\(name).json", HostileFileTests.experiment.replacingOccurrences(of: "events.csv", with: events))
      let run = CapturedRun(["report", path])
      #expect(run.status == 66, "\(name): \(run.err)")
      #expect(run.err.contains(message), "\(name): \(run.err)")
    }
  }

  @Test func aFileThatShrinksWhileReadEndsShortOrStopsCleanlyNeverCrashes() throws {
    let (scratch, path) = HostileFileTests.scratch(events: [])
    let rows = (1...400_000).map { "u\($0 % 40 + 1),order,2026-01-02T00:00:00Z,\($0 % 97)\n" }
    scratch.write("events.csv", Self.header + rows.joined())
    let file = scratch.path + "/events.csv"
    let truncator = Thread {
      usleep(20_000)
      truncate(file, 1_000_000)
    }
    truncator.start()
    let run = ChildRun([ChildRun.binary, "report", path, "--format", "json"])
    // Either the run read the file before or after it shrank (every row read accounted for),
    // or it saw a record cut short: never a signal, a hang or a half-written report.
    #expect(run.status == 0 || run.status == 65, "\(run.status): \(run.err)")
    if run.status == 0 { #expect(run.out.contains("\"balanced\": true")) }
    if run.status == 65 { #expect(run.err.hasPrefix("error: \(file)"), "\(run.err)") }
  }
}
