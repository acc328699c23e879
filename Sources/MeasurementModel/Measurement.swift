import Experiment
import Statistics

/// The output of the measurement stage: per-arm (and per-segment) sufficient statistics of every
/// metric, exposure, and the full accounting of the input rows.
///
/// This is the seam where a warehouse query could supply the same numbers: everything after it
/// (statistics, reports) needs only `Moments` per arm.
public struct Measurement: Sendable {
  /// One metric's statistics.
  public struct Metric: Sendable {
    /// The metric's definition.
    public let definition: MetricDefinition
    /// Per arm (experiment order): the sufficient statistics over included users.
    public let arms: [Moments]
    /// Per arm: analysed users left out because their window has not fully elapsed by `as_of`
    /// (only the mature cohort is measured, so a "14-day" rate always means 14 full days).
    public let openWindows: [Int]
    /// Per arm: the statistics over the measured users who were reached (exposed), for the
    /// effect per exposed user.
    public let exposedArms: [Moments]
    /// Per arm: the cost of the messages delivered to the measured users.
    public let spend: [Double]
    /// The cap applied to per-user values (fixed, or the pooled percentile), in units.
    public let appliedCap: Double?

    /// Creates a metric's statistics.
    public init(
      definition: MetricDefinition, arms: [Moments], openWindows: [Int], exposedArms: [Moments], spend: [Double],
      appliedCap: Double?
    ) {
      self.definition = definition
      self.arms = arms
      self.openWindows = openWindows
      self.exposedArms = exposedArms
      self.spend = spend
      self.appliedCap = appliedCap
    }
  }

  /// Days from entry to the first return event, per arm, for the Kaplan–Meier curves: a user
  /// who returned within the follow-up has an event at that time; the others are censored at
  /// their follow-up, min(as_of − entry, `days`).
  public struct Survival: Sendable {
    /// The events that count as a return.
    public let events: [String]
    /// The longest follow-up, in days.
    public let days: Double
    /// Per arm: each analysed user's time in days.
    public let times: [[Double]]
    /// Per arm, parallel to `times`: true when the return was observed.
    public let returned: [[Bool]]

    /// Creates the return times.
    public init(events: [String], days: Double, times: [[Double]], returned: [[Bool]]) {
      self.events = events
      self.days = days
      self.times = times
      self.returned = returned
    }
  }

  /// One value of a segment column.
  public struct SegmentValue: Sendable {
    /// The value as written in the cohort.
    public let value: String
    /// Users per arm.
    public let users: [Int]
    /// Per metric, per arm.
    public let metrics: [[Moments]]

    /// Creates a segment value's statistics.
    public init(value: String, users: [Int], metrics: [[Moments]]) {
      self.value = value
      self.users = users
      self.metrics = metrics
    }
  }

  /// The breakdown by one segment column.
  public struct Segment: Sendable {
    /// The cohort column.
    public let column: String
    /// Its values, sorted.
    public let values: [SegmentValue]

    /// Creates a breakdown.
    public init(column: String, values: [SegmentValue]) {
      self.column = column
      self.values = values
    }
  }

  /// Who was reached.
  public struct Exposure: Sendable {
    /// True when a messages file was given.
    public let isMeasured: Bool
    /// Per arm: users with an exposure at or after entry.
    public let exposed: [Int]
    /// Per channel of first exposure (sorted by name): users per arm.
    public let channels: [(name: String, users: [Int])]

    /// Creates the exposure counts.
    public init(isMeasured: Bool, exposed: [Int], channels: [(name: String, users: [Int])]) {
      self.isMeasured = isMeasured
      self.exposed = exposed
      self.channels = channels
    }
  }

  /// Where the aggregates were computed, when not by this process from files.
  public struct Origin: Sendable, Equatable {
    /// The SQL dialect of the warehouse query.
    public let dialect: String
    /// The experiment file's digest the query was built from.
    public let digest: String
    /// The aggregates file read.
    public let file: String

    /// Creates an origin.
    public init(dialect: String, digest: String, file: String) {
      self.dialect = dialect
      self.digest = digest
      self.file = file
    }
  }

  /// The experiment.
  public let experiment: ExperimentDefinition
  /// The analysis cutoff.
  public let asOf: Int64
  /// Analysed users per arm.
  public let users: [Int]
  /// Return times, when the experiment has return events.
  public let survival: Survival?
  /// The earliest and latest entry among analysed users.
  public let entryRange: (first: Int64, last: Int64)?
  /// Metrics in experiment order.
  public let metrics: [Metric]
  /// Segment breakdowns in experiment order.
  public let segments: [Segment]
  /// Exposure.
  public let exposure: Exposure
  /// The accounting of every input file, in the order cohort, messages, events.
  public let files: [Reconciliation]
  /// Recorded versus hashed split.
  public let split: SplitCheck
  /// Data-quality observations from the join.
  public let findings: JoinFindings
  /// Nil when measured from files here; the warehouse query's details otherwise.
  public var origin: Origin? = nil

  /// Creates a measurement (the file path's `Measurer`, or aggregates read back from a
  /// warehouse).
  public init(
    experiment: ExperimentDefinition, asOf: Int64, users: [Int], survival: Survival?,
    entryRange: (first: Int64, last: Int64)?, metrics: [Metric], segments: [Segment], exposure: Exposure,
    files: [Reconciliation], split: SplitCheck, findings: JoinFindings
  ) {
    self.experiment = experiment
    self.asOf = asOf
    self.users = users
    self.survival = survival
    self.entryRange = entryRange
    self.metrics = metrics
    self.segments = segments
    self.exposure = exposure
    self.files = files
    self.split = split
    self.findings = findings
  }
}
