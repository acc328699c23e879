/// A statistic that is either computed or explicitly not computable, with the reason.
///
/// Degenerate data (an empty arm, n < 2, zero variance, a zero baseline) never produce NaN or ∞
/// in Holdout's output: the computation returns `.notComputable` with a sentence a reader can act
/// on, and every report format prints it.
public enum Computed<Value: Sendable & Equatable>: Sendable, Equatable {
  case value(Value)
  case notComputable(String)

  /// The value, or nil when not computable.
  public var value: Value? {
    if case .value(let value) = self { return value }
    return nil
  }

  /// The reason, or nil when computed.
  public var reason: String? {
    if case .notComputable(let reason) = self { return reason }
    return nil
  }

  /// The value transformed, or the same reason.
  public func map<T: Sendable & Equatable>(_ transform: (Value) -> T) -> Computed<T> {
    switch self {
    case .value(let value): return .value(transform(value))
    case .notComputable(let reason): return .notComputable(reason)
    }
  }

  /// The value transformed into another computed result, or the same reason.
  public func flatMap<T: Sendable & Equatable>(_ transform: (Value) -> Computed<T>) -> Computed<T> {
    switch self {
    case .value(let value): return transform(value)
    case .notComputable(let reason): return .notComputable(reason)
    }
  }
}
