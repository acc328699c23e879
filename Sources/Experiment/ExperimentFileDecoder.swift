import Assignment
import Ingest

/// Reads and validates an experiment file.
///
/// Strict by design: an unknown key (a typo such as `windows_days`), a missing key, weights that
/// do not sum to 1 within 1e-9, zero or several control arms, a duplicate name, a metric without
/// an event: each is an error naming the key, the file and the line, never a silent default.
public enum ExperimentFileDecoder {
  /// What the caller needs from the file.
  public enum Purpose: Sendable {
    /// Assignment only: key, salt, arms, coverage and hash version.
    case assignment
    /// A full report: inputs, exposure and metrics as well.
    case report
    /// A report from a warehouse (`holdout sql`, `report --aggregates`): metrics, not inputs.
    case warehouse
  }

  /// Reads and decodes the experiment file at `path`.
  public static func load(path: String, for purpose: Purpose) throws(ExperimentError)
    -> ExperimentDefinition
  {
    let bytes: [UInt8]
    let root: JSONNode
    do {
      bytes = try ByteSource(path: path).readAll(what: "an experiment file")
      root = try JSONNode.parse(bytes, path: path)
    } catch {
      throw .input(error)
    }
    return try decode(root, path: path, for: purpose)
  }

  /// Decodes an already parsed experiment document.
  /// Every top-level key an experiment file may have (docs/experiment-file.md): `decode` reads
  /// no other (checked as it decodes). `holdout report DIR` treats a JSON object with none of
  /// them, in any letter case, as plainly not an experiment file.
  public static let topLevelKeys: Set<String> = [
    "key", "salt", "arms", "coverage", "hash_version", "as_of", "inputs", "exposure", "metrics", "segments",
    "analysis", "entry", "costs", "warehouse", "validation",
  ]

  public static func decode(_ root: JSONNode, path: String, for purpose: Purpose)
    throws(ExperimentError) -> ExperimentDefinition
  {
    var object = try ObjectReader(root, path: path, keyPath: "")
    let key = try object.name("key")
    let salt = try object.optionalString("salt") ?? key
    let coverage = try object.optionalNumber("coverage") ?? 1
    guard coverage >= 0 && coverage <= 1 else {
      throw object.invalid("coverage", "must be between 0 and 1, got \(coverage)")
    }
    let version = try hashVersion(&object)
    let arms = try decodeArms(&object)

    var definition = ExperimentDefinition(
      path: path, key: key, salt: salt, arms: arms, coverage: coverage, hashVersion: version)
    definition.inputs = try Self.decodeInputs(&object, path: path)
    if let asOf = try object.optionalString("as_of") {
      guard let instant = Timestamp.parse(asOf) else {
        throw object.invalid(
          "as_of", "'\(asOf)' is not a timestamp: \(Timestamp.problem(with: asOf) ?? "unreadable"); use ISO-8601 such as 2026-11-16T00:00:00Z")
      }
      definition.asOf = instant
    }
    definition.exposure = try object.optionalStringList("exposure") ?? []
    definition.metrics = try decodeMetrics(&object)
    definition.segments = try object.optionalStringList("segments") ?? []
    definition.analysis = try decodeAnalysis(&object)
    try validateArmComparisons(definition, object)
    definition.costs = try decodeCosts(&object)
    definition.validation = try decodeValidation(&object)
    definition.entry = try decodeEntry(&object, path: path)
    definition.warehouse = try decodeWarehouse(
      &object, path: path, hasMessages: definition.inputs.map { !$0.messages.isEmpty } ?? !definition.exposure.isEmpty,
      segments: definition.segments)
    precondition(object.usedKeys.isSubset(of: topLevelKeys), "topLevelKeys lacks \(object.usedKeys.subtracting(topLevelKeys))")
    try object.rejectUnknownKeys()

    if purpose == .warehouse {
      guard !definition.metrics.isEmpty else {
        throw .missingForCommand(path: path, key: "metrics", command: "sql")
      }
    }
    if purpose == .report {
      guard definition.inputs != nil else {
        throw .missingForCommand(path: path, key: "inputs", command: "report")
      }
      guard !definition.metrics.isEmpty else {
        throw .missingForCommand(path: path, key: "metrics", command: "report")
      }
      if definition.inputs?.messages.isEmpty == false && definition.exposure.isEmpty {
        throw .missingForCommand(path: path, key: "exposure", command: "report")
      }
    }
    return definition
  }

  private static func hashVersion(_ object: inout ObjectReader) throws(ExperimentError)
    -> GrowthBookHash.Version
  {
    guard let raw = try object.optionalNumber("hash_version") else { return .v2 }
    guard raw == raw.rounded(), abs(raw) < 1e6, let version = GrowthBookHash.Version(rawValue: Int(raw))
    else {
      throw object.invalid("hash_version", "must be 2 (default) or 1 (GrowthBook's legacy hash), got \(raw)")
    }
    return version
  }

  private static func decodeArms(_ object: inout ObjectReader) throws(ExperimentError)
    -> [ExperimentDefinition.Arm]
  {
    let nodes = try object.array("arms")
    guard nodes.count >= 2 else {
      throw object.invalid("arms", "needs at least two arms (a control and a treatment)")
    }
    guard nodes.count <= ExperimentDefinition.maximumArms else {
      throw object.invalid(
        "arms", "has \(nodes.count) arms; at most \(ExperimentDefinition.maximumArms) are supported")
    }
    var arms: [ExperimentDefinition.Arm] = []
    for (index, node) in nodes.enumerated() {
      var arm = try ObjectReader(node, path: object.path, keyPath: "arms[\(index)]")
      let name = try arm.name("name")
      guard name != "excluded" else {
        throw arm.invalid("name", "must be non-empty and not 'excluded' (reserved for users outside coverage)")
      }
      guard !arms.contains(where: { $0.name == name }) else {
        throw arm.invalid("name", "arm '\(name)' is listed twice")
      }
      let weight = try arm.number("weight")
      guard weight > 0 && weight <= 1 else {
        throw arm.invalid("weight", "must be in (0, 1], got \(weight)")
      }
      let control = try arm.optionalBool("control") ?? false
      try arm.rejectUnknownKeys()
      arms.append(.init(name: name, weight: weight, isControl: control))
    }
    let total = arms.reduce(0.0) { $0 + $1.weight }
    guard abs(total - 1) <= 1e-9 else {
      throw object.invalid("arms", "weights sum to \(total); they must sum to 1 (within 1e-9)")
    }
    let controls = arms.filter(\.isControl).count
    guard controls == 1 else {
      throw object.invalid(
        "arms", "exactly one arm needs \"control\": true (the holdout); found \(controls)")
    }
    return arms
  }

  private static func decodeMetrics(_ object: inout ObjectReader) throws(ExperimentError)
    -> [MetricDefinition]
  {
    guard let nodes = try object.optionalArray("metrics") else { return [] }
    var metrics: [MetricDefinition] = []
    for (index, node) in nodes.enumerated() {
      var metric = try ObjectReader(node, path: object.path, keyPath: "metrics[\(index)]")
      let name = try metric.name("name")
      guard !metrics.contains(where: { $0.name == name }) else {
        throw metric.invalid("name", "metric '\(name)' is defined twice")
      }
      let kindText = try metric.string("kind")
      guard let kind = MetricDefinition.Kind(rawValue: kindText) else {
        throw metric.invalid("kind", "unknown kind '\(kindText)'; use conversion, count, revenue or retention")
      }
      var events = try metric.optionalStringList("events") ?? []
      // "event": [...] is a list where one name is expected: say that "events" takes a list.
      if let node = try metric.optionalNode("event"), case .array = node.value {
        throw metric.invalid("event", "takes one event name; for several, use \"events\": [...]")
      }
      if let single = try metric.optionalString("event") {
        guard events.isEmpty else {
          throw metric.invalid("event", "give either 'event' or 'events', not both")
        }
        events = [single]
      }
      guard !events.isEmpty, !events.contains("") else {
        throw metric.invalid("event", "metric '\(name)' needs an event: \"event\": \"order\" or \"events\": [...]")
      }
      let window: Double
      if kind == .retention {
        window = try metric.optionalNumber("window_days") ?? 7
      } else {
        window = try metric.number("window_days")
      }
      guard window > 0 && window <= 3650 else {
        throw metric.invalid("window_days", "must be a positive number of days up to 3650, got \(window)")
      }
      var day = 0.0
      if kind == .retention {
        day = try metric.number("day")
        guard day >= 0 && day <= 3650 else {
          throw metric.invalid("day", "must be between 0 and 3650 days, got \(day)")
        }
      }
      let roleText = try metric.optionalString("role") ?? "primary"
      guard let role = MetricDefinition.Role(rawValue: roleText) else {
        throw metric.invalid("role", "unknown role '\(roleText)'; use primary, secondary or guardrail")
      }
      var harmful: MetricDefinition.HarmfulDirection?
      if let text = try metric.optionalString("harmful") {
        guard let direction = MetricDefinition.HarmfulDirection(rawValue: text) else {
          throw metric.invalid("harmful", "use 'increase' or 'decrease', got '\(text)'")
        }
        harmful = direction
      }
      if role == .guardrail && harmful == nil {
        throw metric.invalid(
          "harmful", "a guardrail must say which direction is harmful: \"harmful\": \"increase\" or \"decrease\"")
      }
      if role != .guardrail && harmful != nil {
        throw metric.invalid("harmful", "only guardrail metrics take 'harmful'")
      }
      let cap = try metric.optionalNumber("cap")
      if let cap, !(cap > 0 && cap <= 1e9) {
        throw metric.invalid("cap", "must be positive and at most 1e9, got \(cap)")
      }
      let capPercentile = try metric.optionalNumber("cap_percentile")
      if let capPercentile, !(capPercentile > 0 && capPercentile < 1) {
        throw metric.invalid(
          "cap_percentile", "must be strictly between 0 and 1 (e.g. 0.99), got \(capPercentile)")
      }
      if cap != nil && capPercentile != nil {
        throw metric.invalid("cap_percentile", "give either 'cap' or 'cap_percentile', not both")
      }
      if (cap != nil || capPercentile != nil) && kind.isBinary {
        throw metric.invalid("cap", "a \(kind.rawValue) metric is 0/1 and cannot be capped")
      }
      if kind != .retention && metric.has("day") {
        throw metric.invalid("day", "only retention metrics take 'day'")
      }
      try metric.rejectUnknownKeys()
      metrics.append(
        MetricDefinition(
          name: name, kind: kind, events: events, windowDays: window, day: day, role: role,
          harmful: harmful, cap: cap, capPercentile: capPercentile))
    }
    return metrics
  }

  /// `path` relative to the directory of `file`, unless it is absolute.
  public static func resolve(_ path: String, relativeTo file: String) -> String {
    if path.hasPrefix("/") || path == "-" { return path }
    guard let slash = file.lastIndex(of: "/") else { return path }
    return String(file[...slash]) + path
  }
}
