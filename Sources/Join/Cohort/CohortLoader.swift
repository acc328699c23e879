import Assignment
import Experiment
import Ingest
import MeasurementModel
import Platforms

/// Reads the cohort file: `user_id,entered_at[,arm][,<segment columns>]`.
///
/// The file is parsed in chunks on `threads` threads (`CohortBatch`: each row's checks, entry time
/// and arms), and the users are interned in file order, so the table is the same for any number.
/// Each user's arm is the recorded `arm` when the column exists, else the experiment's hash. A user
/// listed twice keeps the first row (the second is counted as a duplicate); users who entered at
/// or after `as_of` and users outside coverage are kept in the table, unanalysed, so that their
/// events are accounted as "user not analysed" rather than "not in cohort".
package struct CohortLoader {
  package let experiment: ExperimentDefinition
  package let asOf: Int64
  package let strict: Bool
  /// Threads that parse the file's chunks (the result is the same for any number).
  package var threads = 1
  /// Bytes per chunk (tests use tiny chunks to put boundaries everywhere).
  package var chunkSize = 1 << 19

  package func load(path: String) throws(MeasurementError) -> (CohortTable, Reconciliation, SplitCheck) {
    return try readingInput(path: path) {
      try read(path: path)
    }
  }

  private func read(path: String) throws -> (CohortTable, Reconciliation, SplitCheck) {
    // The header is read from the first chunk, so that the file (or standard input) is read once.
    var chunks = ChunkReader(source: try ByteSource(path: path), csvQuotes: true, chunkSize: chunkSize)
    guard let first = try chunks.next() else { throw IngestError.emptyFile(path: path) }
    var headerReader = CSVReader(source: ByteSource(bytes: first.bytes, path: path), blockSize: 1 << 16)
    let header = try headerReader.readHeader()
    let userColumn = try headerReader.requireColumn("user_id")
    let entryColumn = try headerReader.requireColumn("entered_at")
    let armColumn = headerReader.column("arm")
    var segmentColumns: [Int] = []
    for segment in experiment.segments {
      guard let index = headerReader.column(segment) else {
        throw IngestError.missingColumn(path: path, column: segment, header: header)
      }
      segmentColumns.append(index)
    }

    var table = CohortTable(segmentColumns: segmentColumns.count)
    var ledger = Reconciliation(role: "cohort", path: path)
    var split = SplitCheck()
    split.isRecorded = armColumn != nil
    var armNames = ByteKeyTable(capacity: 16)
    for arm in experiment.arms { armNames.intern(arm.name) }
    let excludedName: Int32 = armNames.intern("excluded")
    // The recorded arm of each user's first row, to spot users listed in several arms.
    var firstRecorded: [Int32?] = []
    let layout = CohortBatch.Layout(
      path: path, header: header, userColumn: userColumn, entryColumn: entryColumn, armColumn: armColumn,
      segmentColumns: segmentColumns, segmentNames: experiment.segments, armNames: armNames,
      splitter: experiment.splitter)

    // Rows are parsed in parallel chunks (`CohortBatch`); here, in file order, the users are
    // interned, so user numbers and "the first row wins" are those of a sequential read. (A
    // closure passed straight to the pipeline, not a local function: the variables a local
    // function captures were checked for exclusive access at run time on every access.)
    try ParsePipeline.run(
      first: first, rest: &chunks, threads: threads, inFlight: threads * 2,
      parse: { CohortBatch.parse($0, layout: layout) }, afterRead: { _ in }
    ) { (batch: consuming CohortBatch) in
      if let failure = batch.failure { throw failure }
      for row in batch.rows {
        let line = Int(row.line) + batch.linesBefore
        func user<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { batch.withBytes(row.userStart, row.userCount, body) }
        if row.rejection >= 0 {
          let rejection = batch.rejections[Int(row.rejection)]
          if rejection.named {
            user { ledger.reject(rejection.reason, line: line, detail: rejection.detail, user: $0) }
          } else {
            ledger.reject(rejection.reason, line: line, detail: rejection.detail, user: nil)
          }
          if strict { throw IngestError.strictRejection(path: path, line: line, reason: rejection.detail) }
          continue
        }
        guard table.count < CohortTable.maximumUsers else {
          let detail = "the cohort lists more than \(CohortTable.maximumUsers) users"
          user { ledger.reject(.tooManyUsers, line: line, detail: detail, user: $0) }
          if strict { throw IngestError.strictRejection(path: path, line: line, reason: detail) }
          continue
        }
        let (id, inserted) = user { table.ids.intern($0) }
        let recorded: Int32? = row.recorded >= 0 ? row.recorded : nil
        guard inserted else {
          if let recorded, let first = firstRecorded[Int(id)], first != recorded {
            split.usersInSeveralArms += 1
            user { bytes in
              split.severalArmList.offer(user: bytes) {
                "user \(table.ids.string(id)): \(armNames.string(first)), then \(armNames.string(recorded))"
              }
            }
          }
          ledger.record(.duplicateUser)
          continue
        }
        if armColumn != nil { firstRecorded.append(recorded) }
        let t0 = row.entry
        table.entry.append(t0)
        // Segment values are interned only for kept rows, so a value seen only on a duplicate or
        // rejected row never becomes an empty segment.
        for k in segmentColumns.indices {
          let range = batch.segments[Int(row.segmentStart) + k]
          let code = batch.withBytes(range.lowerBound, range.upperBound - range.lowerBound) {
            table.segmentValues[k].intern($0).id
          }
          table.segmentCodes[k].append(code)
        }
        let hashed: Int? = row.hashed >= 0 ? Int(row.hashed) : nil
        var arm: Int? = hashed
        if let recorded {
          arm = recorded == excludedName ? nil : Int(recorded)
          if arm == hashed {
            split.agreements += 1
          } else {
            split.disagreements += 1
            user { bytes in
              split.disagreementList.offer(user: bytes) {
                let said = hashed.map { experiment.arms[$0].name } ?? "excluded"
                let was = arm.map { experiment.arms[$0].name } ?? "excluded"
                return "user \(table.ids.string(id)): recorded \(was), hash gives \(said)"
              }
            }
          }
        }
        if t0 >= asOf {
          table.arm.append(CohortTable.notAnalysed)
          ledger.record(.enteredAfterAsOf)
        } else if let arm {
          table.arm.append(Int8(arm))
          ledger.record(.used)
        } else {
          table.arm.append(CohortTable.notAnalysed)
          ledger.record(.outsideCoverage)
        }
      }
    }
    return (table, ledger, split)
  }
}
