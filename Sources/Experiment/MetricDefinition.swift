/// One metric of an experiment: what is measured per user, over which window relative to the
/// user's entry time t0, and how it is read.
///
/// Windows are half-open. For `conversion`, `count` and `revenue` the window is
/// [t0, t0 + window); for `retention` it is [t0 + day, t0 + day + window). For every kind only
/// users whose whole window has elapsed by `as_of` (the mature cohort) are counted, so a
/// "14-day conversion" never mixes in users observed for 3 days; the others are reported as
/// "not yet mature". The pre-period value,
/// CUPED's covariate, is the same measurement over the same-length window just before entry,
/// [t0 − window, t0).
public struct MetricDefinition: Sendable, Equatable {
  /// What a user's value is.
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    /// 1 if the user did one of the events in the window, else 0.
    case conversion
    /// The number of such events.
    case count
    /// The sum of their `value`.
    case revenue
    /// 1 if the user did one of the events in the retention window, else 0; mature users only.
    case retention

    /// True for 0/1 metrics.
    public var isBinary: Bool { self == .conversion || self == .retention }

    /// Decimals a total of this kind is printed with: money to the cent, events whole.
    public var totalDecimals: Int { self == .revenue ? 2 : 0 }
  }

  /// How the metric is used in decisions.
  public enum Role: String, Sendable, Equatable, CaseIterable {
    case primary
    case secondary
    case guardrail
  }

  /// For guardrails: which direction of change is harmful.
  public enum HarmfulDirection: String, Sendable, Equatable, CaseIterable {
    case increase
    case decrease
  }

  /// The metric's name, unique within the experiment.
  public var name: String
  /// The kind.
  public var kind: Kind
  /// The event names that count (matched in both the messages and the events file).
  public var events: [String]
  /// The window length in days.
  public var windowDays: Double
  /// For retention: the window's start, in days after entry.
  public var day: Double
  /// The role.
  public var role: Role
  /// For guardrails: the harmful direction.
  public var harmful: HarmfulDirection?
  /// The optional cap: per-user values above it are winsorised to it.
  public var cap: Double?
  /// The optional percentile cap in (0, 1): per-user values above that percentile of the
  /// measured users' values, pooled across arms, are winsorised to it.
  public var capPercentile: Double?

  /// Creates a metric definition.
  public init(
    name: String, kind: Kind, events: [String], windowDays: Double, day: Double = 0,
    role: Role = .primary, harmful: HarmfulDirection? = nil, cap: Double? = nil,
    capPercentile: Double? = nil
  ) {
    self.name = name
    self.kind = kind
    self.events = events
    self.windowDays = windowDays
    self.day = day
    self.role = role
    self.harmful = harmful
    self.cap = cap
    self.capPercentile = capPercentile
  }

  /// The window start after entry, in microseconds.
  public var windowStart: Int64 { Self.micros(days: kind == .retention ? day : 0) }
  /// The window length, in microseconds.
  public var windowLength: Int64 { Self.micros(days: windowDays) }
  /// The window end after entry (exclusive), in microseconds.
  public var windowEnd: Int64 { windowStart + windowLength }

  /// A human description of the window, e.g. "[t0, t0 + 14 d)".
  public var windowDescription: String {
    let length = Self.format(days: windowDays)
    if kind == .retention {
      let start = Self.format(days: day)
      let end = Self.format(days: day + windowDays)
      return "[t0 + \(start) d, t0 + \(end) d)"
    }
    return "[t0, t0 + \(length) d)"
  }

  /// Days as whole microseconds, rounded to the nearest.
  public static func micros(days: Double) -> Int64 {
    Int64((days * 86_400 * 1_000_000).rounded())
  }

  static func format(days: Double) -> String {
    days == days.rounded() ? String(Int64(days)) : String(days)
  }
}
