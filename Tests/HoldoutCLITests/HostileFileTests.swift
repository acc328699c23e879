import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Hostile inputs tried by hand, each kept as a test: every one gets a clear error
/// with a sysexits code or a counted rejection, never a crash, a hang or a silent default.
@Suite struct HostileFileTests {
  static let experiment = """
    {"key": "x", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
     "inputs": {"cohort": "cohort.csv", "events": "events.csv"}, "as_of": "2026-03-01",
     "metrics": [{"name": "rev", "kind": "revenue", "event": "order", "window_days": 14}], "segments": ["tier"]}
    """
  static let cohort = "user_id,entered_at,tier\n" + (1...40).map { "u\($0),2026-01-01,a\n" }.joined()

  /// A scratch experiment over `events` (text or raw bytes); returns it and the experiment's path.
  static func scratch(events: [UInt8], cohort: String = cohort, experiment: String = experiment) -> (Scratch, String) {
    let scratch = Scratch("holdout-hostile")
    let path = scratch.write("experiment.json", experiment)
    scratch.write("cohort.csv", cohort)
    scratch.write("events.csv", bytes: events)
    return (scratch, path)
  }

  /// The events file's entry in `report.json` (`data.files[1]`) of a report on `events`.
  static func eventsFile(_ events: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let (_, path) = scratch(events: Array(events.utf8))
    let run = CapturedRun(["report", path, "--format", "json"])
    try #require(run.status == 0, "\(run.err)", sourceLocation: sourceLocation)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
    let files = try #require((json["data"] as? [String: Any])?["files"] as? [[String: Any]])
    return files[1]
  }

  static func count(_ file: [String: Any], _ group: String, _ key: String) -> Int? {
    (file[group] as? [String: Any])?[key] as? Int
  }

  @Test func emptyFilesExit65AndAHeaderOnlyFileHasNoRows() throws {
    let (scratch, path) = Self.scratch(events: [])
    let empty = CapturedRun(["report", path])
    #expect(empty.status == 65)
    #expect(empty.err == "error: \(scratch.path)/events.csv: the file is empty (a CSV needs a header row, JSON lines at least one record); check the export\n")
    scratch.write("cohort.csv", "")
    #expect(CapturedRun(["report", path]).err.contains("cohort.csv: the file is empty"))
    scratch.write("experiment.json", "")
    let experiment = CapturedRun(["report", path])
    #expect(experiment.status == 65)
    #expect(experiment.err.contains("experiment.json:1:1: invalid JSON: the document is empty"), "\(experiment.err)")

    let header = try Self.eventsFile("user_id,event,timestamp,value\n")
    #expect(header["rows"] as? Int == 0)
    #expect(header["balanced"] as? Bool == true)
  }

  @Test func binaryGarbageIsAMissingColumnWithOnlyTheStartOfItsHeaderQuoted() {
    var state: UInt64 = 15
    let garbage = (0..<200_000).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let byte = UInt8(truncatingIfNeeded: state >> 56)
      return byte == 0x0A ? 0x2C : byte  // one huge first line, full of commas
    }
    let (_, path) = Self.scratch(events: garbage)
    let run = CapturedRun(["report", path])
    #expect(run.status == 65)
    #expect(run.err.hasPrefix("error: "), "\(run.err)")
    #expect(run.err.contains("missing column 'user_id' (header has: "), "\(run.err)")
    #expect(run.err.contains(" columns)); add it or rename the column"), "\(run.err)")
    #expect(run.err.utf8.count < 2_000, "\(run.err.utf8.count) bytes of error")
    #expect(run.err.split(separator: "\n").count == 1)
  }

  @Test func invalidUTF8AndNULBytesInIdsAreCountedNotFatal() throws {
    let file = try Self.eventsFile("user_id,event,timestamp,value\nu\u{FFFD}1,order,2026-01-02,1\nu\u{0}2,order,2026-01-02,1\n")
    let (_, path) = Self.scratch(events: Array("user_id,event,timestamp,value\nu".utf8) + [0xFF, 0xFE] + Array("1,order,2026-01-02,1\n".utf8))
    let raw = CapturedRun(["report", path])
    #expect(raw.status == 0, "\(raw.err)")
    #expect(Self.count(file, "fates", "user_not_in_cohort") == 2)
    #expect(file["balanced"] as? Bool == true)
  }

  @Test func aFiftyMegabyteLineStopsAtThe16MiBRecordLimit() {
    let line = Array("user_id,event,timestamp,value\nu1,order,2026-01-02,".utf8) + [UInt8](repeating: 0x39, count: 50 << 20)
    let (scratch, path) = Self.scratch(events: line + Array("\nu2,order,2026-01-02,1\n".utf8))
    let run = CapturedRun(["report", path])
    #expect(run.status == 65)
    #expect(run.err == "error: \(scratch.path)/events.csv:2: a record is longer than 16777216 bytes (the 16 MiB limit per record); this usually means a quote is never closed, or that the file is not CSV or JSON-lines text\n")
  }

  @Test func anUnbalancedQuoteAtTheEndOfTheFileIsOneMalformedRow() throws {
    let file = try Self.eventsFile("user_id,event,timestamp,value\nu1,order,2026-01-02,1\nu2,\"order,2026-01-02,1\n")
    #expect(Self.count(file, "rejected_by_reason", "malformed_quotes") == 1)
    #expect(Self.count(file, "fates", "used") == 1)
    #expect((file["examples"] as? [String]) == ["events.csv:3: a quoted field is not closed properly"])
  }

  @Test func valuesThatAreNotPlainDecimalsAreBadNumbers() throws {
    let rows = ["1e400", "NaN", "inf", "\"1,5\"", "-inf", "0x10"].enumerated().map { "u\($0.offset + 1),order,2026-01-02,\($0.element)\n" }
    let file = try Self.eventsFile("user_id,event,timestamp,value\n" + rows.joined())
    #expect(Self.count(file, "rejected_by_reason", "bad_number") == 6)
    #expect((file["examples"] as? [String])?.first == "events.csv:2: value '1e400' is not a number")
  }

  @Test func theLastSecondOfYear9999IsAfterAsOfAndALeapSecondIsTheNextMinute() throws {
    let file = try Self.eventsFile("user_id,event,timestamp,value\nu1,order,9999-12-31T23:59:59Z,1\nu2,order,2026-01-02T23:59:60Z,1\n")
    #expect(Self.count(file, "fates", "after_as_of") == 1)
    #expect(Self.count(file, "fates", "used") == 1)
    let scratch = Scratch()
    let events = scratch.write("events.csv", "user_id,event,timestamp\nu1,order,2026-12-31T23:59:60Z\n")
    let inspect = CapturedRun(["inspect", events, "--format", "holdout"])
    #expect(inspect.out.contains("| 2 | record | u1 | order | 2027-01-01T00:00:00Z |"), "\(inspect.out)")
  }

  @Test func aDirectoryDevZeroAndASymlinkLoopAreClearErrors() throws {
    let (scratch, path) = Self.scratch(events: [])
    try FileManager.default.removeItem(atPath: scratch.path + "/events.csv")
    try FileManager.default.createDirectory(atPath: scratch.path + "/events.csv", withIntermediateDirectories: false)
    let directory = CapturedRun(["report", path])
    #expect(directory.status == 66)
    // A folder is a source of every file under it; an empty one is an error naming what it is.
    #expect(directory.err.contains("events.csv: the folder holds no data file;"), "\(directory.err)")

    // /dev/zero never ends: the record limit (16 MiB) or the experiment limit (64 MiB) stops it.
    for (key, replacement) in [("\"events.csv\"", "\"/dev/zero\""), ("\"cohort.csv\"", "\"/dev/zero\"")] {
      scratch.write("zero.json", Self.experiment.replacingOccurrences(of: key, with: replacement))
      let run = CapturedRun(["report", scratch.path + "/zero.json"])
      #expect(run.status == 65, "\(key): \(run.err)")
      #expect(run.err.hasPrefix("error: /dev/zero:1: a record is longer than 16777216 bytes"), "\(run.err)")
    }
    let zero = CapturedRun(["validate", "/dev/zero"])
    #expect(zero.status == 65)
    #expect(zero.err.contains("/dev/zero: is larger than the 64 MiB limit for an experiment file"), "\(zero.err)")

    symlink(scratch.path + "/loop-b", scratch.path + "/loop-a")
    symlink(scratch.path + "/loop-a", scratch.path + "/loop-b")
    scratch.write("loop.json", Self.experiment.replacingOccurrences(of: "\"cohort.csv\"", with: "\"loop-a\""))
    for arguments in [["report", scratch.path + "/loop-a"], ["report", scratch.path + "/loop.json"]] {
      let run = CapturedRun(arguments)
      #expect(run.status == 66, "\(run.err)")
      #expect(run.err.contains("loop-a: cannot be read: Too many levels of symbolic links; the path has a symbolic link loop; fix the link"), "\(run.err)")
    }
  }

  @Test func aFIFOIsReadAsItArrivesAndGivesTheSameReportAsTheFile() throws {
    let events = "user_id,event,timestamp,value,event_id\n" + (1...3_000).map { "u\($0 % 40 + 1),order,2026-01-02,\($0 % 7),e\($0)\n" }.joined()
    let (scratch, path) = Self.scratch(events: Array(events.utf8))
    let plain = CapturedRun(["report", path, "--format", "md"])
    #expect(plain.status == 0, "\(plain.err)")
    try FileManager.default.removeItem(atPath: scratch.path + "/events.csv")
    #expect(mkfifo(scratch.path + "/events.csv", 0o600) == 0)
    // The writer sends the rows in two parts with a pause between them, and gives up (rather
    // than block the test) if the report never opens the FIFO.
    let fifo = scratch.path + "/events.csv"
    let writer = Thread {
      var fd: Int32 = -1
      for _ in 0..<500 where fd < 0 {
        fd = open(fifo, O_WRONLY | O_NONBLOCK)
        if fd < 0 { usleep(10_000) }
      }
      guard fd >= 0 else { return }
      _ = fcntl(fd, F_SETFL, 0)
      let bytes = Array(events.utf8)
      let half = bytes.count / 2
      bytes.withUnsafeBytes { raw in
        _ = write(fd, raw.baseAddress!, half)
        usleep(100_000)
        _ = write(fd, raw.baseAddress! + half, raw.count - half)
      }
      close(fd)
    }
    writer.start()
    let piped = CapturedRun(["report", path, "--format", "md"])
    #expect(piped.status == 0, "\(piped.err)")
    expectSameText(piped.out, plain.out, "report from the FIFO")
  }

  @Test func markupAndFormulaPrefixesInEveryNameStayInert() throws {
    let scratch = Scratch("holdout-markup")
    let experiment = """
      {"key": "<script>alert(1)</script>", "arms": [{"name": "<script>alert(1)</script>", "weight": 0.5, "control": true}, {"name": "=cmd|' /C calc'!A0", "weight": 0.5}],
       "inputs": {"cohort": "=c<b>.csv", "events": "@ev<i>.csv"}, "as_of": "2026-03-01",
       "metrics": [{"name": "<img src=x onerror=alert(1)>", "kind": "conversion", "event": "=HYPERLINK(\\"http://x\\")", "window_days": 14}], "segments": ["<seg>"]}
      """
    let path = scratch.write("<script>x.json", experiment)
    scratch.write("=c<b>.csv", "user_id,entered_at,<seg>\n" + (1...40).map { "u\($0),2026-01-01,<script>=cmd()\n" }.joined())
    scratch.write("@ev<i>.csv", "user_id,event,timestamp\n" + (1...40).map { "u\($0),\"=HYPERLINK(\"\"http://x\"\")\",2026-01-02\n" }.joined())
    let report = CapturedRun(["report", path, "--out", scratch.path + "/out"])
    #expect(report.status == 0, "\(report.err)")
    let html = try #require(scratch.read("out/report.html"))
    for raw in ["<script", "<img", "<b>", "<i>", "<seg>"] { #expect(!html.contains(raw), "report.html holds \(raw)") }
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    // Markdown shows names in code spans (inert) or with entities, never as bare markup.
    let markdown = try #require(scratch.read("out/report.md"))
    for line in markdown.split(separator: "\n") {
      var rest = line[...]
      while let range = rest.range(of: "<script>") {
        // An odd number of backticks before it on its line: inside a code span.
        #expect(line[..<range.lowerBound].filter { $0 == "`" }.count % 2 == 1, "bare markup: \(line)")
        rest = line[range.upperBound...]
      }
    }
    // Lists a spreadsheet opens never start a cell with a formula character.
    let users = scratch.write("users.csv", "user_id\n=1+1\n@SUM(A1)\nu3\n")
    let split = CapturedRun(["assign", path, "--users", users, "--split", scratch.path + "/lists"])
    #expect(split.status == 0, "\(split.err)")
    let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/lists").sorted()
    #expect(names == ["_cmd____C_calc__A0.csv", "_script_alert_1___script_.csv", "excluded.csv"])
    let lists = names.compactMap { scratch.read("lists/" + $0) }.joined()
    for line in lists.split(separator: "\n") where line != "user_id,arm,bucket" {
      for cell in line.split(separator: ",") {
        #expect(!"=+-@".contains(cell.first ?? " "), "formula cell in \(line)")
      }
    }
    #expect(lists.contains("'=1+1,") && lists.contains("'@SUM(A1),"), "\(lists)")
  }

  @Test func nestingDeeperThan64LevelsIsRefusedInExperimentsAndRejectedInJSONLines() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let scratch = Scratch()
    let path = scratch.write("deep.json", "{\"key\": \"x\", \"arms\": " + deep + "}")
    let run = CapturedRun(["validate", path])
    #expect(run.status == 65)
    #expect(run.err == "error: \(path):1:85: invalid JSON: nesting deeper than 64 levels\n", "\(run.err)")

    let jsonl = """
      {"key": "x", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
       "inputs": {"cohort": "cohort.csv", "events": {"path": "events.jsonl", "format": "jsonl", "id": "uid", "fields": {"time": "t"}, "event": "order"}},
       "as_of": "2026-03-01", "metrics": [{"name": "n", "kind": "count", "event": "order", "window_days": 14}]}
      """
    let (lines, experiment) = Self.scratch(events: [], experiment: jsonl)
    lines.write("events.jsonl", "{\"uid\":\"u1\",\"t\":\"2026-01-02\"}\n{\"uid\":\"u2\",\"t\":\"2026-01-02\",\"d\":\(deep)}\n{\"uid\":\"u3\",\"t\":\"2026-01-02\"}\n")
    let report = CapturedRun(["report", experiment, "--format", "json"])
    #expect(report.status == 0, "\(report.err)")
    #expect(report.out.contains("\"malformed_json\": 1"), "\(report.out.prefix(300))")
    #expect(report.out.contains("events.jsonl:2: invalid JSON at column 97: nesting deeper than 64 levels"), "\(report.out.prefix(300))")
  }
}
