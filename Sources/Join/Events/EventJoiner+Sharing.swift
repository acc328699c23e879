import Ingest
import MeasurementModel
import Platforms

extension EventJoiner {
  /// The per-experiment side of one read (`join(source:role:participants:targets:)`): each
  /// participant's fold and de-duplication table, and which participant asks each table.
  package struct Sharing {
    package var folds: [Fold]
    package let tables: [DedupTable]
    /// For each participant, the first participant with the same table: it asks the set, and
    /// the others copy its answers (their records are the same records, in the same order).
    package let asker: [Int]
    /// Whether each table has been sized for this read yet (`reserve`).
    private var reserved: [Bool]

    /// The source's files, and the one whose records the folds are taking.
    private let files: [FileTree.File]
    private let names: [String]
    private let treePath: String?
    private var currentFile = -1
    /// Each participant's accounts of the files done.
    private var finished: [[Reconciliation]]

    package init(folds: [Fold], tables: [DedupTable], tree: FileTree) {
      self.folds = folds
      self.tables = tables
      asker = tables.indices.map { j in tables.firstIndex { $0 === tables[j] } ?? j }
      reserved = tables.map { _ in false }
      files = tree.files
      treePath = tree.isTree ? tree.displayName : nil
      names = tree.files.map { tree.isTree ? $0.display : Reconciliation.fileName($0.path) }
      finished = folds.map { _ in [] }
    }

    /// Moves the folds on to file `k` (and past any file before it that gave no records).
    package mutating func advance(toFile k: Int) {
      while currentFile < k {
        currentFile += 1
        for j in folds.indices {
          let done = folds[j].startFile(files[currentFile], name: names[currentFile], source: treePath)
          if currentFile > 0 { finished[j].append(done) }
        }
      }
    }

    /// Each participant's accounts, one per file, once every file has been read.
    package mutating func accounts() -> [[Reconciliation]] {
      guard !files.isEmpty else { return folds.map { _ in [] } }
      advance(toFile: files.count - 1)
      return folds.indices.map { finished[$0] + [folds[$0].ledger] }
    }

    /// Batches taken but not yet folded (small ones wait for company, `pendingLimit`), by chunk,
    /// one per participant.
    private var pending: [[ParsedBatch]] = []
    private var pendingRecords = 0
    /// Records gathered before their keys go into the set together (`deduplicate`).
    static let pendingLimit = 1 << 14

    /// The parsed batches of one chunk, one per participant (each appended from the same
    /// records), de-duplicated and folded into each participant's target. Small batches (a
    /// folder's small files) are gathered first, up to `pendingLimit` records, and de-duplicated
    /// in one insertion; `flush` folds what is left. The order of everything is unchanged.
    package mutating func consume(_ batches: consuming [ParsedBatch], targets: inout [Target], inputBytes: Int?) throws {
      pendingRecords += batches[0].records.count
      pending.append(batches)
      if pendingRecords >= Self.pendingLimit { try flush(targets: &targets, inputBytes: inputBytes) }
    }

    /// De-duplicates and folds every batch taken so far.
    package mutating func flush(targets: inout [Target], inputBytes: Int?) throws {
      guard !pending.isEmpty else { return }
      var batches: [[ParsedBatch]] = []
      swap(&batches, &pending)
      pendingRecords = 0
      let participants = batches[0].indices
      for j in participants where asker[j] == j {
        if !reserved[j] {
          reserved[j] = true
          EventJoiner.reserve(&tables[j].set, for: batches[0][j], inputBytes: inputBytes)
        }
        var column = batches.indices.map { b in
          var batch = ParsedBatch()
          swap(&batch, &batches[b][j])
          return batch
        }
        EventJoiner.deduplicate(&column, in: &tables[j].set)
        for b in batches.indices { swap(&column[b], &batches[b][j]) }
      }
      for b in batches.indices {
        for j in participants where asker[j] != j {
          let answers = batches[b][asker[j]].records
          batches[b][j].records.withUnsafeMutableBufferPointer { records in
            for k in records.indices { records[k].dedupResult = answers[k].dedupResult }
          }
        }
        let runs = batches[b][0].fileRuns
        if runs.isEmpty {
          if batches[b][0].file != currentFile { advance(toFile: batches[b][0].file) }
          for j in participants { try folds[j].consume(batches[b][j], target: &targets[j]) }
          continue
        }
        // Several small files in one batch: each file's records into its own account.
        for (r, run) in runs.enumerated() {
          advance(toFile: Int(run.file))
          let end = r + 1 < runs.count ? Int(runs[r + 1].start) : batches[b][0].records.count
          for j in participants { try folds[j].consume(batches[b][j], records: Int(run.start)..<end, target: &targets[j]) }
        }
      }
    }
  }
}
