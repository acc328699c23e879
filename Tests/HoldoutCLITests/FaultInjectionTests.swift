import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Faults that need a real process (signals, resource limits, standard streams, a `gzip` child
/// that fails), run against the built binary `.build/debug/holdout`. Each test is skipped, with
/// that reason, only when the binary is absent (run `swift build` first).
@Suite(.enabled(if: ChildRun.binaryExists, "needs the built binary .build/debug/holdout (run swift build)"))
struct FaultInjectionTests {
  static let winback = TestPaths.repository("fixtures/winback/experiment.json")

  /// The report files of `directory`, by name, and the names of any temporary files in it.
  static func snapshot(_ directory: String) throws -> (files: [String: Data], temporary: [String]) {
    var files: [String: Data] = [:]
    var temporary: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
      if name.hasSuffix(".tmp-holdout") { temporary.append(name) } else {
        files[name] = FileManager.default.contents(atPath: directory + "/" + name)
      }
    }
    return (files, temporary.sorted())
  }

  /// Temporary files a killed run left (its pid dead), and an older build's (no pid), are removed
  /// by the next run into the folder, even one that writes other formats; a temporary file of a
  /// process still running is left alone. Before, they stayed until the same file was written
  /// again (`--format md` never removed `.report.json.tmp-holdout`).
  @Test func theNextRunRemovesTheTemporaryFilesOfKilledRuns() throws {
    let scratch = Scratch("holdout-stale")
    let dir = scratch.path + "/report"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    // A pid that was just used and is now free: a child that has exited.
    let gone = Process()
    gone.executableURL = URL(fileURLWithPath: "/bin/true")
    try gone.run()
    gone.waitUntilExit()
    let dead = gone.processIdentifier
    let alive = getppid()  // swift-test, running this test
    for name in [".report.json.\(dead).tmp-holdout", ".report.html.tmp-holdout", ".index.md.\(alive).tmp-holdout"] {
      _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(repeating: 0x41, count: 1 << 20))
    }
    let run = ChildRun([ChildRun.binary, "report", Self.winback, "--out", dir, "--format", "md", "--quiet"])
    #expect(run.status == 0, "\(run.err)")
    #expect(try Self.snapshot(dir).temporary == [".index.md.\(alive).tmp-holdout"])
    #expect(try Self.snapshot(dir).files.keys.sorted() == ["report.md"])
  }

  /// Out of memory (`ulimit -v 200000` on a 400,000-user simulation): the runtime's one line,
  /// then Holdout's plain explanation and exit 71, never a register dump or backtrace (exit 134
  /// before), and no output file.
  @Test func runningOutOfMemoryIsAPlainErrorNotARegisterDump() throws {
    let scratch = Scratch("holdout-oom")
    let out = scratch.path + "/sim"
    let run = ChildRun.shell(
      "ulimit -v 200000; exec \(ChildRun.quote(ChildRun.binary)) simulate --users 400000 --seed 1 --out \(ChildRun.quote(out))")
    #expect(run.status == 71, "status \(run.status), signal \(run.signal): \(run.err.suffix(600))")
    #expect(run.err.contains("error: holdout stopped on a fatal error"), "\(run.err.suffix(600))")
    #expect(run.err.contains("memory ran out"))
    #expect(!run.err.contains("Backtrace") && !run.err.contains("rax") && !run.err.contains("Thread 0"), "\(run.err.suffix(600))")
    let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
    #expect(left.isEmpty, "\(left)")
  }

  /// A directory holding the win-back report as of an earlier date (the "old" report), and the
  /// bytes of the current one (the "new" report), written by the binary.
  static func oldAndNewReports() throws -> (Scratch, dir: String, old: [String: Data], new: [String: Data]) {
    let scratch = Scratch("holdout-faults")
    let dir = scratch.path + "/report"
    let old = ChildRun([ChildRun.binary, "report", winback, "--as-of", "2026-10-01", "--out", dir, "--quiet"])
    try #require(old.status == 0, "\(old.err)")
    let fresh = ChildRun([ChildRun.binary, "report", winback, "--out", scratch.path + "/fresh", "--quiet"])
    try #require(fresh.status == 0, "\(fresh.err)")
    let oldFiles = try snapshot(dir).files
    let newFiles = try snapshot(scratch.path + "/fresh").files
    try #require(oldFiles.keys.sorted() == ["report.html", "report.json", "report.md"])
    try #require(oldFiles["report.json"] != newFiles["report.json"], "the two reports must differ")
    return (scratch, dir, oldFiles, newFiles)
  }

  @Test func aWriteOverTheFileSizeLimitExits74AndLeavesTheOldReportUntouched() throws {
    let (_, dir, old, _) = try Self.oldAndNewReports()
    // 16 blocks (8 KiB for dash's 512-byte blocks): less than any report file.
    let run = ChildRun.shell("ulimit -f 16; exec \(ChildRun.quote(ChildRun.binary)) report \(ChildRun.quote(Self.winback)) --out \(ChildRun.quote(dir)) --quiet")
    #expect(run.status == 74, "\(run.err)")
    #expect(run.signal == 0, "killed by signal \(run.signal) (SIGXFSZ must be ignored)")
    #expect(run.err.hasPrefix("error: cannot write the report into \(dir):"), "\(run.err)")
    #expect(run.err.contains("report.md: cannot be written: File too large"), "\(run.err)")
    #expect(run.err.contains("file-size limit (ulimit -f)"), "\(run.err)")
    let after = try Self.snapshot(dir)
    #expect(after.files == old, "the previous report changed")
    #expect(after.temporary.isEmpty, "left \(after.temporary)")
  }

  @Test func aRunKilledAtAnyMomentLeavesEachReportFileOldOrNewNeverTorn() throws {
    let (_, dir, old, new) = try Self.oldAndNewReports()
    var killed = 0
    // A debug run takes about 1.5 s; the delays spread over it, the last ones near its end.
    for delay in [0.05, 0.3, 0.6, 0.9, 1.1, 1.25, 1.35, 1.45, 1.55, 1.7] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: ChildRun.binary)
      process.arguments = ["report", Self.winback, "--out", dir, "--quiet"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      usleep(useconds_t(delay * 1_000_000))
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
      process.waitUntilExit()
      if process.terminationReason == .uncaughtSignal { killed += 1 }
      let state = try Self.snapshot(dir)
      #expect(state.files.keys.sorted() == old.keys.sorted(), "after \(delay) s: \(state.files.keys.sorted())")
      for (name, bytes) in state.files {
        #expect(bytes == old[name] || bytes == new[name], "after \(delay) s: \(name) is torn (\(bytes.count) bytes)")
      }
      #expect(state.temporary.allSatisfy { $0.hasPrefix(".report.") }, "\(state.temporary)")
    }
    #expect(killed > 0, "no run was killed: the delays are too long for this machine")
    // A later run is not tripped by what a killed one left, and leaves no temporary file.
    let last = ChildRun([ChildRun.binary, "report", Self.winback, "--out", dir, "--quiet"])
    #expect(last.status == 0, "\(last.err)")
    let final = try Self.snapshot(dir)
    #expect(final.files == new)
    #expect(final.temporary.isEmpty, "left \(final.temporary)")
  }

  @Test func aClosedReaderEndsTheRunSilentlyBySIGPIPE() {
    let users = TestPaths.repository("fixtures/winback/cohort.csv")
    let scratch = Scratch("holdout-pipe")
    let status = scratch.path + "/status"
    // report.json (176 kB) outgrows the pipe's buffer, so the writer meets the closed reader.
    for command in [
      "report \(ChildRun.quote(Self.winback)) --format json", "assign \(ChildRun.quote(Self.winback)) --users \(ChildRun.quote(users))",
    ] {
      // The shell's status of a process killed by SIGPIPE is 128 + 13.
      let run = ChildRun.shell("{ \(ChildRun.quote(ChildRun.binary)) \(command); echo $? > \(ChildRun.quote(status)); } | head -n 1")
      #expect(run.out == "{\n" || run.out == "user_id,arm,bucket\n", "\(run.out)")
      #expect(scratch.read("status") == "141\n", "exit status \(scratch.read("status") ?? "none"): not SIGPIPE")
      #expect(run.err.isEmpty, "\(command): \(run.err)")
    }
  }

  @Test func aFullOrClosedStandardOutputExits74() {
    let full = ChildRun.shell("exec \(ChildRun.quote(ChildRun.binary)) report \(ChildRun.quote(Self.winback)) --format md > /dev/full")
    #expect(full.status == 74, "\(full.err)")
    #expect(full.err == "error: standard output: cannot be written: No space left on device; the filesystem is full; free some space or write elsewhere\n")
    let closed = ChildRun.shell("exec \(ChildRun.quote(ChildRun.binary)) --version >&-")
    #expect(closed.status == 74, "\(closed.err)")
    #expect(closed.err.contains("standard output: cannot be written: Bad file descriptor; the descriptor is closed"), "\(closed.err)")
  }

  @Test func emptyOrClosedStandardInputIsAClearError() {
    let experiment = Self.winback
    let cases: [(String, Int32, String)] = [
      ("inspect - --format holdout < /dev/null", 65, "error: -: the file is empty"),
      ("inspect - --format holdout <&-", 66, "error: -: cannot be read: Bad file descriptor"),
      ("assign \(ChildRun.quote(experiment)) --users - < /dev/null", 65, "error: -: the file is empty"),
      ("assign \(ChildRun.quote(experiment)) --users - <&-", 66, "error: -: cannot be read: Bad file descriptor"),
    ]
    for (arguments, status, message) in cases {
      let run = ChildRun.shell("exec \(ChildRun.quote(ChildRun.binary)) \(arguments)")
      #expect(run.status == status, "\(arguments): \(run.err)")
      #expect(run.err.hasPrefix(message), "\(arguments): \(run.err)")
      #expect(run.err.split(separator: "\n").count == 1, "\(run.err)")
    }
    // A header and nothing else is a file with no records, not an error.
    let header = ChildRun.shell("printf 'user_id,event,timestamp\\n' | \(ChildRun.quote(ChildRun.binary)) inspect - --format holdout")
    #expect(header.status == 0, "\(header.err)")
    #expect(header.out.contains("first 0 records"), "\(header.out)")
  }

  /// A scratch experiment whose events file is gzip-compressed (about 1 MB decompressed).
  static func gzipExperiment() throws -> (Scratch, String) {
    let scratch = Scratch("holdout-gzip")
    let path = scratch.write("experiment.json", HostileFileTests.experiment.replacingOccurrences(of: "events.csv", with: "events.csv.gz"))
    scratch.write("cohort.csv", "user_id,entered_at,tier\n" + (1...200).map { "u\($0),2026-01-01,a\n" }.joined())
    scratch.write("events.csv", "user_id,event,timestamp,value,event_id\n" + (1...30_000).map { "u\($0 % 300),order,2026-01-02T00:00:00Z,1,e\($0)\n" }.joined())
    let zipped = ChildRun.shell("gzip -n \(ChildRun.quote(scratch.path + "/events.csv"))")
    try #require(zipped.status == 0, "\(zipped.err)")
    return (scratch, path)
  }

  @Test func aGzipFileIsReadWithNoGzipProgramInstalled() throws {
    let (_, path) = try Self.gzipExperiment()
    let good = ChildRun([ChildRun.binary, "report", path, "--format", "json"])
    #expect(good.status == 0, "\(good.err)")
    // No program on the PATH at all: the archive is decompressed in process, with the same result.
    let alone = ChildRun.shell("PATH=/nonexistent exec \(ChildRun.quote(ChildRun.binary)) report \(ChildRun.quote(path)) --format json")
    #expect(alone.status == 0, "\(alone.err)")
    #expect(alone.out == good.out)
  }

  /// The simulator writes its gzip'd platform exports in process too: with nothing on the PATH
  /// the files are written and read back.
  @Test func theSimulatorWritesGzipWithNoGzipProgramInstalled() throws {
    let scratch = Scratch()
    let run = ChildRun.shell(
      "PATH=/nonexistent exec \(ChildRun.quote(ChildRun.binary)) simulate --scenario cart-recovery --users 300 --seed 4 --out \(ChildRun.quote(scratch.path))")
    #expect(run.status == 0, "\(run.err)")
    let report = ChildRun.shell("PATH=/nonexistent exec \(ChildRun.quote(ChildRun.binary)) report \(ChildRun.quote(scratch.path + "/experiment.json")) --format json")
    #expect(report.status == 0, "\(report.err)")
    #expect(report.out.contains("\"file\": \"events.json.gz\""), "\(report.out.prefix(300))")
  }

  @Test func aCorruptArchiveNamesTheByteWhereItBreaks() throws {
    let (scratch, path) = try Self.gzipExperiment()
    let file = scratch.path + "/events.csv.gz"
    var bytes = try #require(FileManager.default.contents(atPath: file).map { [UInt8]($0) })
    bytes[bytes.count - 6] ^= 0xFF  // the CRC-32 of the uncompressed data
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    let run = CapturedRun(["report", path])
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.contains("events.csv.gz: is gzip-compressed and the gzip check value at byte \(bytes.count - 8) is"), "\(run.err)")
  }

  @Test func aTruncatedArchiveExits65() throws {
    let (scratch, path) = try Self.gzipExperiment()
    let file = scratch.path + "/events.csv.gz"
    let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
    #expect(truncate(file, off_t(size / 2)) == 0)
    let run = CapturedRun(["report", path])
    #expect(run.status == 65, "\(run.err)")
    #expect(run.err.contains("events.csv.gz: is gzip-compressed and the gzip data ends early (truncated at byte \(size / 2)); re-download or re-export it"), "\(run.err)")
  }
}

/// One run of a child process with its standard output and error captured through files (so a
/// large output cannot fill a pipe and block it), and its exit status or signal.
struct ChildRun {
  /// The debug binary, found from the repository root.
  static let binary = TestPaths.repository(".build/debug/holdout")
  static let binaryExists = FileManager.default.isExecutableFile(atPath: binary)

  let status: Int32
  let signal: Int32
  let out: String
  let err: String

  /// Runs `arguments` (the first is the executable's path) to the end.
  init(_ arguments: [String]) {
    let scratch = Scratch("holdout-child")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    FileManager.default.createFile(atPath: scratch.path + "/out", contents: nil)
    FileManager.default.createFile(atPath: scratch.path + "/err", contents: nil)
    let out = FileHandle(forWritingAtPath: scratch.path + "/out")
    let err = FileHandle(forWritingAtPath: scratch.path + "/err")
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
      let bySignal = process.terminationReason == .uncaughtSignal
      status = bySignal ? -1 : process.terminationStatus
      signal = bySignal ? process.terminationStatus : 0
    } catch {
      status = -2
      signal = 0
    }
    try? out?.close()
    try? err?.close()
    self.out = scratch.read("out") ?? ""
    self.err = scratch.read("err") ?? ""
    try? FileManager.default.removeItem(atPath: scratch.path)
  }

  /// Runs `script` with `/bin/sh -c`.
  static func shell(_ script: String) -> ChildRun { ChildRun(["/bin/sh", "-c", script]) }

  /// `text` quoted for the shell.
  static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
