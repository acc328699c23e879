#if canImport(Glibc)
  import Glibc
#endif
import Ingest
import TestSupport
import Testing

/// The small versions of bench/limits.sh: each limit's message, and a file that changes size
/// while it is read.
@Suite struct LimitMessageTests {
  @Test func theRecordLimitNamesTheLineTheLimitAndTheLikelyCause() {
    let error = IngestError.recordTooLong(path: "events.csv", line: 2, limit: 16 << 20)
    #expect(error.description == "events.csv:2: a record is longer than 16777216 bytes (the 16 MiB limit per record); this usually means a quote is never closed, or that the file is not CSV or JSON-lines text")
  }

  @Test func aMissingColumnQuotesAHugeHeaderShortened() {
    let header = (0..<10_000).map { "column\($0)" }
    let message = IngestError.missingColumn(path: "x.csv", column: "user_id", header: header).description
    #expect(message.hasPrefix("x.csv:1: missing column 'user_id' (header has: column0,column1,"))
    #expect(message.hasSuffix("… (10000 columns)); add it or rename the column"))
    #expect(message.count < 300)
    let short = IngestError.missingColumn(path: "x.csv", column: "user_id", header: ["id", "at"]).description
    #expect(short == "x.csv:1: missing column 'user_id' (header has: id,at); add it or rename the column")
  }

  @Test func theExperimentFileLimitIsNamedInMiB() {
    let error = IngestError.tooLarge(path: "/dev/zero", limit: 64 << 20, what: "an experiment file")
    #expect(error.description == "/dev/zero: is larger than the 64 MiB limit for an experiment file; check that this is the right file")
  }

  @Test func writeErrorsNameTheCauseAndItsFix() {
    #expect(IngestError.writing("r/report.md", errno: EFBIG).description
      == "r/report.md: cannot be written: File too large; the file exceeds the file-size limit (ulimit -f) or the filesystem's; raise it or write elsewhere")
    #expect(IngestError.writing("standard output", errno: EBADF).description
      == "standard output: cannot be written: Bad file descriptor; the descriptor is closed (by >&- or <&- ?); connect it to a file or /dev/null")
  }

  @Test func aFileThatShrinksOrGrowsWhileReadEndsWhereTheFileEnds() throws {
    let scratch = Scratch()
    let rows = (1...200).map { "u\($0),order,2026-01-02\n" }.joined()
    let path = scratch.write("events.csv", "user_id,event,timestamp\n" + rows)
    // Shrinks: cut to the middle of a record after the first one is read.
    var shrinking = try CSVReader(path: path, blockSize: 64)
    _ = try shrinking.readHeader()
    var seen: [String] = []
    try shrinking.forEachRecord { row in
      if seen.isEmpty { #expect(truncate(path, 24 + 21 * 10 + 5) == 0) }
      seen.append(row.string(0) ?? "?")
    }
    #expect(seen.count < 200)
    #expect(seen.count >= 10)
    #expect(Array(seen.prefix(10)) == (1...10).map { "u\($0)" })

    // Grows: rows appended while reading are read too.
    scratch.write("events.csv", "user_id,event,timestamp\n" + rows)
    var growing = try CSVReader(path: path, blockSize: 64)
    _ = try growing.readHeader()
    var count = 0
    try growing.forEachRecord { _ in
      if count == 0, let handle = fopen(path, "a") {
        fputs("late,order,2026-01-02\n", handle)
        fclose(handle)
      }
      count += 1
    }
    #expect(count == 201)
  }
}
