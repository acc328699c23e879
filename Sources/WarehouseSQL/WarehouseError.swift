import Experiment

/// What can go wrong building a warehouse query or reading its aggregates.
public enum WarehouseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A name or value the dialect cannot quote safely.
  case unquotable(name: String, dialect: WarehouseDefinition.Dialect, reason: String)
  /// The experiment cannot be measured in a warehouse as written.
  case unsupported(path: String, key: String, message: String)
  /// A bad aggregates file: `file:line: message`.
  case badAggregates(path: String, line: Int, message: String)

  public var description: String {
    switch self {
    case .unquotable(let name, let dialect, let reason):
      return "cannot write \(visible(name)) into \(dialect.rawValue) SQL: \(reason); rename it in the warehouse or map it in the experiment file's warehouse.tables"
    case .unsupported(let path, let key, let message):
      return "\(path): '\(key)': \(message)"
    case .badAggregates(let path, let line, let message):
      return "\(path):\(line): \(message)"
    }
  }

  private func visible(_ text: String) -> String {
    "'" + String(text.unicodeScalars.prefix(60).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }) + "'"
  }
}
