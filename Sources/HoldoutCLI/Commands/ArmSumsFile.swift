import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import Statistics
import TextOutput

/// Reads and validates the per-arm sufficient statistics file of `holdout stats`.
enum ArmSumsFile {
  static func read(path: String, control: String) throws -> [ArmSumsReport.Input] {
    var reader = try CSVReader(path: path)
    let header = try reader.readHeader()
    let name = Reconciliation.fileName(path)
    let columns = try ["metric", "kind", "arm", "n", "sum", "sum_squares"].map { try reader.requireColumn($0) }
    let pre = ["pre_sum", "pre_sum_squares", "sum_product"].map { reader.column($0) }
    let hasPre = pre.allSatisfy { $0 != nil }
    guard hasPre || pre.allSatisfy({ $0 == nil }) else {
      throw CLIError.data("\(name):1: give all of pre_sum, pre_sum_squares and sum_product for CUPED, or none")
    }
    var order: [String] = []
    var kinds: [String: (isBinary: Bool, line: Int)] = [:]
    var arms: [String: [(name: String, moments: Moments)]] = [:]
    var failure: String? = nil
    try reader.forEachRecord { (row: borrowing CSVRow) in
      guard failure == nil else { return }
      let line = row.line
      func fail(_ message: String) { failure = "\(name):\(line): \(message)" }
      guard !row.isMalformed, row.count == header.count else {
        return fail("expected \(header.count) well-formed fields, found \(row.count)")
      }
      var text: [String] = []
      for column in columns { text.append(row.string(column) ?? "") }
      let (metric, kind, arm) = (text[0], text[1], text[2])
      guard !metric.isEmpty, !arm.isEmpty else { return fail("metric and arm must not be empty") }
      guard kind == "conversion" || kind == "mean" else {
        return fail("kind '\(kind)' is not conversion or mean")
      }
      guard let n = Int(text[3]), n >= 0 else {
        // Say what is wrong: a count too large for any real arm is not "not an integer".
        let digits = !text[3].isEmpty && text[3].allSatisfy { $0 >= "0" && $0 <= "9" }
        return fail(
          digits
            ? "n '\(text[3].prefix(40))' is larger than any arm can be (at most \(NumberFormat.grouped(Int.max))); check the column"
            : "n '\(text[3].prefix(40))' is not a non-negative integer")
      }
      var numbers: [Double] = []
      for (label, value) in zip(["sum", "sum_squares"], [text[4], text[5]]) {
        guard let number = Double(value), number.isFinite else { return fail("\(label) '\(value)' is not a number") }
        numbers.append(number)
      }
      var preNumbers = [0.0, 0.0, 0.0]
      if hasPre {
        for (k, column) in pre.enumerated() {
          let value = row.string(column!) ?? ""
          guard let number = Double(value), number.isFinite else {
            return fail("\(["pre_sum", "pre_sum_squares", "sum_product"][k]) '\(value)' is not a number")
          }
          preNumbers[k] = number
        }
      }
      let (sum, squares) = (numbers[0], numbers[1])
      if kind == "conversion" {
        guard sum >= 0, sum <= Double(n), sum == sum.rounded() else {
          return fail("a conversion sum counts converters: a whole number between 0 and n = \(n), got \(text[4])")
        }
      }
      if n > 0 && squares < sum * sum / Double(n) * (1 - 1e-9) - 1e-9 {
        return fail("sum_squares \(text[5]) is below sum²/n, which no data can give; check the columns")
      }
      if let known = kinds[metric], known.isBinary != (kind == "conversion") {
        return fail("metric '\(metric)' was \(known.isBinary ? "conversion" : "mean") on line \(known.line)")
      }
      if kinds[metric] == nil {
        kinds[metric] = (kind == "conversion", row.line)
        order.append(metric)
      }
      guard !(arms[metric] ?? []).contains(where: { $0.name == arm }) else {
        return fail("arm '\(arm)' appears twice for metric '\(metric)'")
      }
      let moments = Moments(
        count: n, sum: sum, sumOfSquares: squares, preSum: preNumbers[0],
        preSumOfSquares: preNumbers[1], sumOfProducts: preNumbers[2])
      arms[metric, default: []].append((arm, moments))
    }
    if let failure { throw CLIError.data(failure) }
    guard !order.isEmpty else { throw CLIError.data("\(name): no rows; expected one row per metric and arm") }
    return try order.map { metric in
      let list = arms[metric] ?? []
      guard list.contains(where: { $0.name == control }) else {
        throw CLIError.data(
          "\(name): metric '\(metric)' has no row for the control arm '\(control)' (arms: \(list.map(\.name).joined(separator: ", ")))")
      }
      guard list.count >= 2 else {
        throw CLIError.data("\(name): metric '\(metric)' needs the control and at least one other arm")
      }
      return ArmSumsReport.Input(name: metric, isBinary: kinds[metric]!.isBinary, arms: list)
    }
  }
}
