import Assignment

/// An experiment as described by its JSON file (see docs/experiment-file.md).
///
/// Only `key` and `arms` are required by every command; `report` also needs `inputs`
/// (`cohort`, `events`), `exposure` events and `metrics`. Paths are resolved against the
/// directory of the experiment file.
public struct ExperimentDefinition: Sendable, Equatable {
  /// One arm of the split.
  public struct Arm: Sendable, Equatable {
    /// The arm's name, as written in exported lists and recorded splits.
    public var name: String
    /// Its share of the traffic; weights sum to 1.
    public var weight: Double
    /// True for the one control (holdout) arm.
    public var isControl: Bool

    /// Creates an arm.
    public init(name: String, weight: Double, isControl: Bool) {
      self.name = name
      self.weight = weight
      self.isControl = isControl
    }
  }

  /// The input files, as resolved paths.
  public struct Inputs: Sendable, Equatable {
    /// The cohort CSV: who entered, when, optionally their recorded arm and segments.
    public var cohort: String
    /// The message events CSV, or nil when exposure is not measured.
    public var messages: String?
    /// The behaviour events CSV.
    public var events: String

    /// Creates the inputs.
    public init(cohort: String, messages: String?, events: String) {
      self.cohort = cohort
      self.messages = messages
      self.events = events
    }
  }

  /// Statistical settings.
  public struct Analysis: Sendable, Equatable {
    /// The two-sided significance level; confidence intervals are at 1 − alpha.
    public var alpha: Double = 0.05
    /// The SRM p-value threshold.
    public var srmThreshold: Double = 0.001

    /// Default settings.
    public init() {}
  }

  /// The most arms an experiment may have (arms are stored per user in one byte).
  public static let maximumArms = 100

  /// The path of the experiment file (as given), for messages.
  public var path: String
  /// The experiment key.
  public var key: String
  /// The hash seed; defaults to the key.
  public var salt: String
  /// The arms, in bucket order.
  public var arms: [Arm]
  /// The share of users in the experiment, in [0, 1].
  public var coverage: Double
  /// The GrowthBook hash version.
  public var hashVersion: GrowthBookHash.Version
  /// The inputs, or nil for assignment-only files.
  public var inputs: Inputs?
  /// The analysis cutoff, in microseconds since the epoch, or nil.
  public var asOf: Int64?
  /// Message event names that count as the user having been reached.
  public var exposure: [String]
  /// The metrics, in file order.
  public var metrics: [MetricDefinition]
  /// Cohort columns to break results down by.
  public var segments: [String]
  /// Statistical settings.
  public var analysis: Analysis

  /// Creates a definition.
  public init(
    path: String, key: String, salt: String? = nil, arms: [Arm], coverage: Double = 1,
    hashVersion: GrowthBookHash.Version = .v2, inputs: Inputs? = nil, asOf: Int64? = nil,
    exposure: [String] = [], metrics: [MetricDefinition] = [], segments: [String] = [],
    analysis: Analysis = Analysis()
  ) {
    self.path = path
    self.key = key
    self.salt = salt ?? key
    self.arms = arms
    self.coverage = coverage
    self.hashVersion = hashVersion
    self.inputs = inputs
    self.asOf = asOf
    self.exposure = exposure
    self.metrics = metrics
    self.segments = segments
    self.analysis = analysis
  }

  /// The index of the control arm.
  public var controlIndex: Int { arms.firstIndex(where: \.isControl) ?? 0 }

  /// The splitter that reproduces GrowthBook's assignment for this experiment.
  public var splitter: Splitter {
    Splitter(seed: salt, weights: arms.map(\.weight), coverage: coverage, version: hashVersion)
  }
}
