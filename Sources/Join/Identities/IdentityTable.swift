import Experiment
import Ingest
import MeasurementModel
import Platforms

/// The identities file, loaded: for every alias column (`email`, `amplitude_id`, `device_id`…),
/// which unit each alias value belongs to.
///
/// A unit may have many rows (several devices). An alias value listed for two different units is
/// a collision: it is marked ambiguous (events carrying it are counted, never merged into either
/// unit) and reported with examples. Memory grows with the number of aliases.
package struct IdentityTable {
  /// The alias column names, lowercased, in file order (the unit column excluded).
  private(set) var columns: [String] = []
  /// Per alias column: interned alias values.
  private var aliases: [ByteKeyTable] = []
  /// Per alias column, per alias id: the unit's number in `units`, or `ambiguous`.
  private var owners: [[Int32]] = []
  /// The unit ids listed in the file.
  private var units = ByteKeyTable(capacity: 1 << 10)
  /// Per unit: its cohort user number, or `notInCohort`.
  private var unitUsers: [Int32] = []
  /// Per alias column, per alias id: the first line listing it (for collision examples).
  private var firstLines: [[Int32]] = []
  /// Distinct alias values that belong to several units.
  private(set) var collisions = 0
  /// Examples of collisions, as `file:line: detail`, smallest alias value first.
  private(set) var collisionExamples = ExampleList()

  package static let notInCohort: Int32 = -1
  package static let ambiguous: Int32 = -2

  /// What an alias resolves to.
  package enum Resolution {
    /// A unit number of this table.
    case unit(Int32)
    /// Several units.
    case ambiguous
    /// Not listed.
    case unknown
  }

  /// The cohort user number of unit `unit`, or nil when the unit is not in the cohort.
  package func user(ofUnit unit: Int32) -> Int32? {
    let user = unitUsers[Int(unit)]
    return user == Self.notInCohort ? nil : user
  }

  /// The unit id of unit `unit`.
  package func unitName(_ unit: Int32) -> String { units.string(unit) }

  /// An empty table (no identities file).
  package init() {}

  /// The column index of `name`, or nil.
  package func column(_ name: String) -> Int? { columns.firstIndex(of: name.lowercased()) }

  /// Resolves `alias` in alias column `column`.
  package func resolve(_ alias: UnsafeBufferPointer<UInt8>, column: Int) -> Resolution {
    guard let id = aliases[column].find(alias) else { return .unknown }
    let owner = owners[column][Int(id)]
    return owner == Self.ambiguous ? .ambiguous : .unit(owner)
  }

  /// Reads the identities CSV at `spec.path`, resolving units against `cohort` (none: every unit
  /// counts as outside the cohort, for inspection).
  package static func load(_ spec: IdentitiesSpec, cohort: CohortTable?, strict: Bool) throws(MeasurementError)
    -> (IdentityTable, Reconciliation)
  {
    try readingInput(path: spec.path) {
      var table = IdentityTable()
      var ledger = Reconciliation(role: "identities", path: spec.path)
      var reader = try CSVReader(path: spec.path)
      let header = try reader.readHeader()
      let unitColumn: Int
      if let unit = spec.unit {
        unitColumn = try reader.requireColumn(unit)
      } else {
        unitColumn = 0
      }
      guard header.count >= 2 else {
        throw IngestError.missingColumn(path: spec.path, column: "(an alias column such as email)", header: header)
      }
      let aliasColumns = header.indices.filter { $0 != unitColumn }
      table.columns = aliasColumns.map { header[$0].lowercased() }
      table.aliases = aliasColumns.map { _ in ByteKeyTable(capacity: 1 << 10) }
      table.owners = aliasColumns.map { _ in [] }
      table.firstLines = aliasColumns.map { _ in [] }
      let file = Reconciliation.fileName(spec.path)
      try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
        func reject(_ reason: Reconciliation.Reason, _ detail: String) throws(IngestError) {
          ledger.reject(reason, line: row.line, detail: detail)
          if strict { throw .strictRejection(path: spec.path, line: row.line, reason: detail) }
        }
        if row.isMalformed { return try reject(.malformedQuotes, "a quoted field is not closed properly") }
        guard row.count == header.count else {
          return try reject(.wrongFieldCount, "expected \(header.count) fields, found \(row.count)")
        }
        if row.isEmpty(unitColumn) { return try reject(.emptyUserID, "\(header[unitColumn]) is empty") }
        let (unit, newUnit) = table.units.intern(row.field(unitColumn))
        if newUnit {
          table.unitUsers.append(cohort?.ids.find(row.field(unitColumn)).map { Int32($0) } ?? Self.notInCohort)
        }
        for (k, column) in aliasColumns.enumerated() where !row.isEmpty(column) {
          let (id, inserted) = table.aliases[k].intern(row.field(column))
          if inserted {
            table.owners[k].append(unit)
            table.firstLines[k].append(Int32(row.line))
            continue
          }
          let owner = table.owners[k][Int(id)]
          if owner == unit || owner == Self.ambiguous { continue }
          table.owners[k][Int(id)] = Self.ambiguous
          table.collisions += 1
          // Keyed by the alias value, then the column name (the detail's start): a value collides
          // once per column, so the order-dependent line reference never decides.
          let first = table.firstLines[k][Int(id)]
          let alias = row.field(column)
          table.collisionExamples.offer(user: alias, file: file, line: row.line) {
            "\(table.columns[k]) \(VisibleText.quoted(alias)) also belongs to another unit (\(file):\(first))"
          }
        }
        ledger.record(.used)
      }
      return (table, ledger)
    }
  }
}
