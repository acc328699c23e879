import Ingest

/// A CSV header compiled against a source's layout (names normalized, the record extractor and
/// the wide variants, the required columns checked), kept by one parse thread for the next file
/// of the same folder source. A folder's thousands of small files share one header, and compiling
/// it for each file cost more than parsing the file.
///
/// A file takes the kept compilation only when its own would be the same: the same header, the
/// same event rule (a folder can give the event type) and the same value for every folder key the
/// layout reads (`SourceLayout.fieldNames`: `channel=email/` matters, `date=…/`, which changes
/// from file to file and no field reads, does not). One cache serves the files of one source
/// (one spec and role), on one thread.
package final class CSVHeaderCache {
  /// What a header compiles to.
  struct Compiled {
    let header: [String]
    let extractor: RecordExtractor
    let wide: [RecordExtractor]
  }

  private var raw: [String] = []
  private var event: SourceLayout.EventRule? = nil
  /// The folder keys that can change the compilation, and the kept file's values for them.
  private var names: Set<String> = []
  private var partitions: [FileTree.Partition] = []
  private var compiled: Compiled? = nil

  package init() {}

  /// The kept compilation when `raw` under `layout` compiles to it; nil otherwise.
  func lookup(raw: [String], layout: SourceLayout) -> Compiled? {
    guard let compiled, raw == self.raw, layout.event == event, relevant(layout.partitions) == partitions else { return nil }
    return compiled
  }

  /// Keeps `compiled`, the compilation of `raw` under `layout`; `typeColumn` is a wide export's
  /// type column (a folder can fill it too).
  func store(_ compiled: Compiled, raw: [String], layout: SourceLayout, typeColumn: String?) {
    names = layout.fieldNames
    if let typeColumn { names.insert(typeColumn) }
    self.raw = raw
    event = layout.event
    partitions = relevant(layout.partitions)
    self.compiled = compiled
  }

  private func relevant(_ all: [FileTree.Partition]) -> [FileTree.Partition] {
    all.filter { names.contains($0.key) }
  }
}
