import Assignment
import Experiment
import Ingest

/// Reads the cohort file: `user_id,entered_at[,arm][,<segment columns>]`.
///
/// Each user's arm is the recorded `arm` when the column exists, else the experiment's hash. A user
/// listed twice keeps the first row (the second is counted as a duplicate); users who entered at
/// or after `as_of` and users outside coverage are kept in the table, unanalysed, so that their
/// events are accounted as "user not analysed" rather than "not in cohort".
struct CohortLoader {
  let experiment: ExperimentDefinition
  let asOf: Int64
  let strict: Bool

  func load(path: String) throws(MeasurementError) -> (CohortTable, Reconciliation, SplitCheck) {
    return try readingInput(path: path) {
      try read(path: path)
    }
  }

  private func read(path: String) throws -> (CohortTable, Reconciliation, SplitCheck) {
    var reader = try CSVReader(path: path)
    let header = try reader.readHeader()
    let userColumn = try reader.requireColumn("user_id")
    let entryColumn = try reader.requireColumn("entered_at")
    let armColumn = reader.column("arm")
    var segmentColumns: [Int] = []
    for segment in experiment.segments {
      guard let index = reader.column(segment) else {
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
    let splitter = experiment.splitter
    let fieldCount = header.count
    // The recorded arm of each user's first row, to spot users listed in several arms.
    var firstRecorded: [Int32?] = []

    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
      // Rows that reach the user id name it in their example's key.
      func reject(_ reason: Reconciliation.Reason, _ detail: String, named: Bool = true) throws(IngestError) {
        ledger.reject(reason, line: row.line, detail: detail, user: named ? row.field(userColumn) : nil)
        if strict { throw .strictRejection(path: path, line: row.line, reason: detail) }
      }
      if row.isMalformed {
        return try reject(.malformedQuotes, "a quoted field is not closed properly", named: false)
      }
      guard row.count == fieldCount else {
        return try reject(.wrongFieldCount, "expected \(fieldCount) fields, found \(row.count)", named: false)
      }
      if row.isEmpty(userColumn) { return try reject(.emptyUserID, "user_id is empty", named: false) }
      guard let t0 = Timestamp.parse(row.field(entryColumn)) else {
        return try reject(
          .badTimestamp, "entered_at \(Self.quoted(row.field(entryColumn))) is not a timestamp")
      }
      var recorded: Int32? = nil
      if let armColumn {
        guard let id = armNames.find(row.field(armColumn)) else {
          return try reject(
            .unknownArm,
            "arm \(Self.quoted(row.field(armColumn))) is not one of the experiment's arms")
        }
        recorded = id
      }
      for (k, column) in segmentColumns.enumerated() {
        guard String(validating: row.field(column), as: UTF8.self) != nil else {
          return try reject(.invalidUTF8, "segment column '\(experiment.segments[k])' is not valid UTF-8")
        }
      }
      guard table.count < CohortTable.maximumUsers else {
        return try reject(
          .tooManyUsers, "the cohort lists more than \(CohortTable.maximumUsers) users")
      }
      let (user, inserted) = table.ids.intern(row.field(userColumn))
      guard inserted else {
        if let recorded, let first = firstRecorded[Int(user)], first != recorded {
          split.usersInSeveralArms += 1
          split.severalArmList.offer(user: row.field(userColumn)) {
            "user \(table.ids.string(user)): \(armNames.string(first)), then \(armNames.string(recorded))"
          }
        }
        return ledger.record(.duplicateUser)
      }
      if armColumn != nil { firstRecorded.append(recorded) }
      table.entry.append(t0)
      // Segment values are interned only for kept rows, so a value seen only on a duplicate or
      // rejected row never becomes an empty segment.
      for (k, column) in segmentColumns.enumerated() {
        table.segmentCodes[k].append(table.segmentValues[k].intern(row.field(column)).id)
      }

      let hashed = splitter.assign(bytes: row.field(userColumn)).arm
      var arm: Int? = hashed
      if let recorded {
        arm = recorded == excludedName ? nil : Int(recorded)
        if arm == hashed {
          split.agreements += 1
        } else {
          split.disagreements += 1
          split.disagreementList.offer(user: row.field(userColumn)) {
            let said = hashed.map { experiment.arms[$0].name } ?? "excluded"
            let was = arm.map { experiment.arms[$0].name } ?? "excluded"
            return "user \(table.ids.string(user)): recorded \(was), hash gives \(said)"
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
    return (table, ledger, split)
  }

  /// A field for a message: quoted, at most 40 bytes, invalid UTF-8 replaced.
  static func quoted<C: Collection<UInt8>>(_ bytes: C) -> String {
    let text = String(decoding: bytes.prefix(40), as: UTF8.self)
    return "'\(text)\(bytes.count > 40 ? "…" : "")'"
  }
}
