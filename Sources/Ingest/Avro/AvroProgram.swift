/// A schema compiled for decoding: a flat array of integer instructions, one per schema node,
/// with children referred to by their position in the array, and the JSON text of every field
/// key (`"name":`) and enum symbol (`"SYMBOL"`) escaped once, here, instead of per value.
///
/// The decoder (`AvroDecoder`) reads it through one pointer, so decoding a value is a switch on
/// an integer and never walks `AvroSchema`'s enums, strings or arrays. Layout, by opcode (`Op`):
///
/// | op | operands |
/// | --- | --- |
/// | `record` | field count n, then n × (key text start, key text length, child) |
/// | `enumeration` | symbol count n, then n × (text start, text length) |
/// | `array`, `map` | child, the child's minimum encoded size |
/// | `union` | branch count n, then n × child |
/// | `fixed` | size |
/// | `decimal` | scale, fixed size (−1 on bytes) |
/// | `timestamp` | fraction digits (3, 6, 9), 1 for UTC (a `Z`) or 0 for local |
/// | others | none |
///
/// `time-millis`, `time-micros` and `uuid` on a string compile to their underlying type: they are
/// written as the plain integer or string.
struct AvroProgram: Sendable {
  enum Op {
    static let null = 0, boolean = 1, int = 2, long = 3, float = 4, double = 5, bytes = 6, string = 7
    static let record = 8, enumeration = 9, array = 10, map = 11, union = 12, fixed = 13
    static let decimal = 14, uuid = 15, date = 16, timestamp = 17, duration = 18
  }

  /// The instructions.
  let code: [Int]
  /// Field keys and enum symbols as JSON text.
  let text: [UInt8]
  /// The position of the top-level type's instruction (always 0).
  let root = 0
  /// Whether the top-level type is a record (else each value is written as `{"value": …}`).
  let rootIsRecord: Bool
  /// The fewest bytes one top-level value takes (a lower bound, for refusing absurd counts).
  let minimumRecordSize: Int

  init(schema: AvroSchema) {
    let nodes = schema.nodes
    let minimum = schema.minimumSizes()
    // Pass 1: each node's position, from the size of its instruction.
    var position = [Int](repeating: 0, count: nodes.count)
    var size = 0
    for (i, node) in nodes.enumerated() {
      position[i] = size
      switch node.kind {
      case .record(_, let fields): size += 2 + 3 * fields.count
      case .enumeration(_, let symbols): size += 2 + 2 * symbols.count
      case .union(let branches): size += 2 + branches.count
      case .array, .map, .fixed: size += 3
      default: size += 3  // room for any operands of a logical type
      }
    }
    var code = [Int](repeating: 0, count: size)
    var text: [UInt8] = []
    for (i, node) in nodes.enumerated() {
      let at = position[i]
      var ops: [Int]
      switch (node.kind, node.logical) {
      case (.null, _): ops = [Op.null]
      case (.boolean, _): ops = [Op.boolean]
      case (.int, .date?): ops = [Op.date]
      case (.int, _): ops = [Op.int]
      case (.long, .timestampMillis?): ops = [Op.timestamp, 3, 1]
      case (.long, .timestampMicros?): ops = [Op.timestamp, 6, 1]
      case (.long, .timestampNanos?): ops = [Op.timestamp, 9, 1]
      case (.long, .localTimestampMillis?): ops = [Op.timestamp, 3, 0]
      case (.long, .localTimestampMicros?): ops = [Op.timestamp, 6, 0]
      case (.long, .localTimestampNanos?): ops = [Op.timestamp, 9, 0]
      case (.long, _): ops = [Op.long]
      case (.float, _): ops = [Op.float]
      case (.double, _): ops = [Op.double]
      case (.bytes, .decimal(_, let scale)?): ops = [Op.decimal, scale, -1]
      case (.bytes, _): ops = [Op.bytes]
      case (.string, _): ops = [Op.string]
      case (.fixed(_, let n), .decimal(_, let scale)?): ops = [Op.decimal, scale, n]
      case (.fixed, .uuid?): ops = [Op.uuid]
      case (.fixed, .duration?): ops = [Op.duration]
      case (.fixed(_, let n), _): ops = [Op.fixed, n]
      case (.record(_, let fields), _):
        ops = [Op.record, fields.count]
        for field in fields {
          let start = text.count
          Self.appendQuoted(field.name, to: &text)
          text.append(UInt8(ascii: ":"))
          ops += [start, text.count - start, position[field.type]]
        }
      case (.enumeration(_, let symbols), _):
        ops = [Op.enumeration, symbols.count]
        for symbol in symbols {
          let start = text.count
          Self.appendQuoted(symbol, to: &text)
          ops += [start, text.count - start]
        }
      case (.array(let items), _): ops = [Op.array, position[items], minimum[items]]
      case (.map(let values), _): ops = [Op.map, position[values], minimum[values]]
      case (.union(let branches), _): ops = [Op.union, branches.count] + branches.map { position[$0] }
      }
      for (k, op) in ops.enumerated() { code[at + k] = op }
    }
    self.code = code
    self.text = text
    if case .record = schema.root.kind { rootIsRecord = true } else { rootIsRecord = false }
    minimumRecordSize = minimum[0]
  }

  /// Appends `string` as a JSON string: quotes, and `"`, `\` and control characters escaped.
  static func appendQuoted(_ string: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for b in string.utf8 {
      switch b {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"):
        out += [UInt8(ascii: "\\"), b]
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
      default:
        out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
