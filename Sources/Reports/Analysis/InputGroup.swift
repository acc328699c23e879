import MeasurementModel
import TextOutput

/// The inputs as the Data section shows them: each single file with its own account, and each
/// folder or pattern source as one entry (its files' accounts added up, the names skipped, and
/// the files with the most rejected rows), so that 100,000 files make one table, not 100,000.
/// report.json keeps every file's account; this grouping is for the Markdown and HTML reports.
package struct InputGroup: Sendable {
  /// The role: `cohort`, `identities`, `messages` or `events`.
  package let role: String
  /// The file's name, or the source's (`currents/`).
  package let name: String
  package let format: String?
  /// The account: the file's, or the sum of the source's files' (examples merged by their key).
  package let total: Reconciliation
  /// The number of files (1 for a single file).
  package let fileCount: Int
  /// For a folder or pattern source: what was skipped.
  package let summary: SourceFileSummary?
  /// For a folder or pattern source: up to `worstLimit` files with rejected rows, most first.
  package let worst: [Reconciliation]

  /// The number of files listed as the worst.
  package static let worstLimit = 5

  /// Groups `measurement`'s files in order: consecutive files of one source form one group.
  package static func groups(_ measurement: Measurement) -> [InputGroup] {
    var groups: [InputGroup] = []
    var i = 0
    let files = measurement.files
    var summaries = measurement.findings.sourceFiles[...]
    while i < files.count {
      guard let source = files[i].source else {
        groups.append(
          InputGroup(
            role: files[i].role, name: files[i].name, format: files[i].format, total: files[i], fileCount: 1, summary: nil,
            worst: []))
        i += 1
        continue
      }
      var j = i
      while j < files.count && files[j].source == source && files[j].role == files[i].role { j += 1 }
      let members = files[i..<j]
      var total = Reconciliation(role: files[i].role, path: source)
      total.format = files[i].format
      total.name = source
      total.source = source
      for file in members { total.merge(file) }
      var summary: SourceFileSummary? = nil
      if let k = summaries.firstIndex(where: { $0.path == source && $0.role == files[i].role }) {
        summary = summaries[k]
        summaries = summaries[(k + 1)...]
      }
      let worst = members.filter { $0[.rejected] > 0 }
        .sorted { ($0[.rejected], $1.name) > ($1[.rejected], $0.name) }
        .prefix(worstLimit)
      groups.append(
        InputGroup(
          role: files[i].role, name: source, format: files[i].format, total: total, fileCount: members.count,
          summary: summary, worst: Array(worst)))
      i = j
    }
    return groups
  }

  /// "8,760 files read; 12 names skipped (hidden or writer's marker (. or _ prefix): 10, e.g.
  /// `_SUCCESS`; …)", for a folder or pattern source; nil for a single file. `code` formats a
  /// name as code in the output's syntax (already escaped).
  package func filesSentence(code: (String) -> String) -> String? {
    guard fileCount > 1 || summary != nil else { return nil }
    var text = "\(NumberFormat.grouped(fileCount)) file\(fileCount == 1 ? "" : "s") read"
    if let summary, summary.skippedCount > 0 {
      let parts = summary.skipped.map { skip in
        "\(skip.reason): \(NumberFormat.grouped(skip.count)), e.g. " + skip.examples.map(code).joined(separator: ", ")
      }
      text += "; \(NumberFormat.grouped(summary.skippedCount)) name\(summary.skippedCount == 1 ? "" : "s") not read (" + parts.joined(separator: "; ") + ")"
    }
    return text + "."
  }
}
