import Experiment
import Ingest
import MeasurementModel
import Join

/// Each user's last purchase before T from the experiment's behaviour events (`inputs.events`,
/// read, de-duplicated and identity-resolved as the report reads them): the candidates of the
/// `entry.events` source.
///
/// A purchase is a record whose event name (after the source's `rename`) is one of `events`
/// and whose time is before `before`. Every user named by any resolved record is a candidate;
/// one without a purchase is "never purchased". Records that are rejected, duplicates or
/// unresolved identities name no user and are not candidates. Candidates come out sorted by
/// user id, so the result does not depend on row order.
struct LastPurchaseScan {
  let sources: [SourceSpec]
  let identities: IdentitiesSpec?
  let events: [String]
  let before: Int64

  func candidates() throws -> [CohortBuilder.Candidate] {
    var users = ByteKeyTable(capacity: 1 << 12)
    var last: [Int64?] = []
    var firstLine: [Int] = []
    for spec in sources {
      let renamed = Dictionary(spec.rename.map { ($0.from, $0.to) }, uniquingKeysWith: { first, _ in first })
      try SourceScan.forEachScannedRecord(of: spec, identities: identities) { record in
        guard record.status == .record, let user = record.user else { return true }
        let known = users.count
        let id = Int(users.intern(user))
        if users.count > known {
          last.append(nil)
          firstLine.append(record.line)
        }
        if let name = record.event, let time = record.time, time < before, events.contains(renamed[name] ?? name) {
          last[id] = max(last[id] ?? time, time)
        }
        return true
      }
    }
    let order = (0..<users.count).sorted { users.precedes(Int32($0), Int32($1)) }
    return order.map { id in
      var row = ContactRow(line: firstLine[id])
      row.id = users.string(Int32(id))
      return CohortBuilder.Candidate(row: row, purchase: last[id])
    }
  }
}
