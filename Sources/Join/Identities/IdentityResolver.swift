import Experiment
import Ingest
import MeasurementModel
import Platforms

/// Resolves a record's id fields to a unit, by the rule every source shares: the fields are tried
/// in order and the first present one decides; a `unit` field is the unit id itself; an alias
/// (email, device id) is looked up in the identities file, and an alias it does not list lets
/// the next field try; an alias listed for several units stops at "ambiguous".
package struct IdentityResolver {
  /// What a record's ids resolve to.
  package enum Outcome {
    /// The unit id is the bytes of this range of the record's text.
    case direct(Range<Int>)
    /// A unit of the identities table.
    case alias(Int32)
    /// Id field `k`'s value belongs to several units.
    case ambiguous(field: Int, Range<Int>)
    /// Nothing resolved; the last alias tried, if any.
    case unresolved(LastAlias?)
  }

  /// An alias that was tried: the id field and its value's range.
  package struct LastAlias {
    package let field: Int
    package let range: Range<Int>
  }

  package let identities: IdentityTable
  /// Per id field: −1 for the unit id itself, an identities column, or −2 to skip.
  package let columns: [Int]

  /// Per id field of `layout`: −1 for the unit id itself, an identities column, or −2 to skip
  /// (a default alias the identities file does not have). An alias named explicitly in the
  /// experiment file must exist.
  package init(layout: SourceLayout, source: SourceSpec, identities: IdentityTable) throws(MeasurementError) {
    self.identities = identities
    var result: [Int] = []
    for field in layout.ids {
      if field.identity == SourceSpec.IdentityField.unit {
        result.append(-1)
      } else if let column = identities.column(field.identity) {
        result.append(column)
      } else if source.ids != nil {
        throw .invalidInput(
          path: source.path,
          message: identities.columns.isEmpty
            ? "its id field '\(field.field)' names identity '\(field.identity)', but the experiment has no identities file; add inputs.identities or use 'unit'"
            : "its id field '\(field.field)' names identity '\(field.identity)', but the identities file has no such column; add the column to the identities file or use 'unit'"
        )
      } else {
        result.append(-2)
      }
    }
    columns = result
  }

  @inline(__always)
  package func resolve(_ r: SourceRecord) -> Outcome {
    var lastAlias: LastAlias? = nil
    for (k, range) in r.ids.enumerated() {
      guard let range, columns[k] != -2 else { continue }
      if columns[k] == -1 { return .direct(range) }
      let resolution = r.text.withUnsafeBufferPointer {
        identities.resolve(UnsafeBufferPointer(rebasing: $0[range]), column: columns[k])
      }
      switch resolution {
      case .unit(let unit): return .alias(unit)
      case .ambiguous: return .ambiguous(field: k, range)
      case .unknown: lastAlias = LastAlias(field: k, range: range)
      }
    }
    return .unresolved(lastAlias)
  }
}
