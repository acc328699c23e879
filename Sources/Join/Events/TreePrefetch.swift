import Dispatch
import Ingest

/// The listings (`FileTree`) of a join's sources, made ahead on a thread of their own while the
/// cohort loads: over a folder of 8,760 hourly folders the listing is mostly system calls, and
/// the cohort's load leaves a core half idle. Each source is listed in the order given, the same
/// way the join would list it (`FileTree(path, threads:)`); asking for a listing waits for it.
/// An error is kept and thrown when the join asks, at the same point it would have been thrown,
/// so a missing folder is still reported after a bad cohort, never before.
package final class TreePrefetch: Sendable {
  private struct Entry: Sendable {
    let path: String
    let done: DispatchGroup
  }

  private let entries: [Entry]
  private let results: Locked<[Result<FileTree, IngestError>?]>

  /// Starts listing `paths` (duplicates and standard input left out) in order, each on up to
  /// `threads` threads.
  package init(paths: [String], threads: Int) {
    var unique: [String] = []
    for path in paths where path != "-" && !unique.contains(path) { unique.append(path) }
    let entries = unique.map { Entry(path: $0, done: DispatchGroup()) }
    let results = Locked([Result<FileTree, IngestError>?](repeating: nil, count: entries.count))
    self.entries = entries
    self.results = results
    for entry in entries { entry.done.enter() }
    guard !entries.isEmpty else { return }
    DispatchQueue.global().async {
      for (k, entry) in entries.enumerated() {
        let listed: Result<FileTree, IngestError>
        do throws(IngestError) { listed = .success(try FileTree(entry.path, threads: threads)) } catch { listed = .failure(error) }
        results.withLock { $0[k] = listed }
        entry.done.leave()
      }
    }
  }

  /// The listing of `path`, waiting for it; nil when `path` was not given to list ahead.
  package func tree(for path: String) throws(IngestError) -> FileTree? {
    guard let k = entries.firstIndex(where: { $0.path == path }) else { return nil }
    entries[k].done.wait()
    guard let listed = results.withLock({ $0[k] }) else { return nil }
    return try listed.get()
  }
}
