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

    /// The parsed batches of one chunk, one per participant (each appended from the same
    /// records), de-duplicated and folded into each participant's target.
    package mutating func consume(_ batches: consuming [ParsedBatch], targets: inout [Target], inputBytes: Int?) throws {
      if batches[0].file != currentFile { advance(toFile: batches[0].file) }
      for j in batches.indices where asker[j] == j {
        if !reserved[j] {
          reserved[j] = true
          EventJoiner.reserve(&tables[j].set, for: batches[j], inputBytes: inputBytes)
        }
        EventJoiner.deduplicate(&batches[j], in: &tables[j].set)
      }
      for j in batches.indices where asker[j] != j {
        let answers = batches[asker[j]].records
        batches[j].records.withUnsafeMutableBufferPointer { records in
          for k in records.indices { records[k].dedupResult = answers[k].dedupResult }
        }
      }
      for j in batches.indices { try folds[j].consume(batches[j], target: &targets[j]) }
    }
  }
}
