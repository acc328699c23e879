import TextOutput

extension EnrollmentSummary {
  /// The summary for standard error: entrants per segment and arm, every exclusion with its
  /// count (zeros included, so a reader sees each rule was applied), and the balance.
  public func text(asOf: String, output: String) -> String {
    var out = "cohort as of \(asOf): \(NumberFormat.grouped(totalEntered)) entered"
    if reentered > 0 { out += " (\(NumberFormat.grouped(reentered)) again, after reentry_days)" }
    out += "; \(output) had \(NumberFormat.grouped(previousRows)) rows before\n\n"
    let header = ["segment"] + arms + ["total"]
    var rows: [[String]] = []
    for (s, name) in segments.enumerated() {
      rows.append([name] + entered[s].map(NumberFormat.grouped) + [NumberFormat.grouped(entered[s].reduce(0, +))])
    }
    let totals = arms.indices.map { a in entered.reduce(0) { $0 + $1[a] } }
    rows.append(["total"] + totals.map(NumberFormat.grouped) + [NumberFormat.grouped(totalEntered)])
    let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { c, cell in
        c == 0 ? cell.padding(widths[c]) : String(repeating: " ", count: widths[c] - cell.count) + cell
      }.joined(separator: "  ") + "\n"
    }
    out += line(header)
    for row in rows { out += line(row) }
    out += "\nnot entered:\n"
    for reason in Exclusion.allCases {
      out += "  \(reason.label.padding(40)) \(NumberFormat.grouped(excluded[reason.rawValue]))\n"
    }
    for example in examples { out += "  e.g. \(example)\n" }
    out += "\n\(NumberFormat.grouped(candidates)) candidates = \(NumberFormat.grouped(totalEntered)) entered + \(NumberFormat.grouped(excluded.reduce(0, +))) not entered\n"
    return out
  }

  /// The summary as JSON (`holdout cohort --format json`).
  public func json(experiment: String, asOf: String, output: String) -> String {
    var segmentValues: [JSONValue] = []
    for (s, name) in segments.enumerated() {
      segmentValues.append(.object([
        ("segment", .string(name)),
        ("arms", .object(arms.enumerated().map { ($1, .int(entered[s][$0])) })),
        ("total", .int(entered[s].reduce(0, +))),
      ]))
    }
    let value = JSONValue.object([
      ("experiment", .string(experiment)), ("as_of", .string(asOf)), ("cohort_file", .string(output)),
      ("previous_rows", .int(previousRows)), ("candidates", .int(candidates)),
      ("entered", .int(totalEntered)), ("reentered", .int(reentered)),
      ("segments", .array(segmentValues)),
      ("not_entered", .object(Exclusion.allCases.map { ($0.key, .int(excluded[$0.rawValue])) })),
      ("examples", .array(examples.map(JSONValue.string))),
    ])
    return value.serialized()
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
