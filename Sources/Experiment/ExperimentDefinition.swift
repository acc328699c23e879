import Assignment
import Statistics

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
    /// The identities file resolving aliases (emails, device ids) to unit ids, if any.
    public var identities: IdentitiesSpec?
    /// The message-event sources (deliveries, opens, unsubscribes, holdout markers); empty when
    /// exposure is not measured.
    public var messages: [SourceSpec]
    /// The behaviour-event sources (sessions, orders, revenue); at least one.
    public var events: [SourceSpec]

    /// Creates the inputs.
    public init(
      cohort: String, identities: IdentitiesSpec? = nil, messages: [SourceSpec], events: [SourceSpec]
    ) {
      self.cohort = cohort
      self.identities = identities
      self.messages = messages
      self.events = events
    }

    /// Holdout-format CSV inputs (the shape of the original generic files).
    public init(cohort: String, messages: String?, events: String) {
      self.init(
        cohort: cohort, messages: messages.map { [SourceSpec(path: $0)] } ?? [],
        events: [SourceSpec(path: events)])
    }
  }

  /// Statistical settings (the `analysis` object; docs/experiment-file.md).
  public struct Analysis: Sendable, Equatable {
    /// The two-sided significance level; confidence intervals are at 1 − alpha.
    public var alpha: Double = 0.05
    /// The SRM p-value threshold.
    public var srmThreshold: Double = 0.001
    /// Always-valid intervals (GrowthBook's asymptotic confidence sequence): on by default,
    /// because weekly reports are read every week.
    public var sequential = true
    /// The confidence sequence's tuning N*: the total users of two compared arms at which the
    /// interval is tightest.
    public var sequentialTuning = 5000.0
    /// CUPED adjustment with the metric's pre-period value, when there is pre-period data.
    public var cuped = true
    /// Correction across primary metrics × comparisons (arms against the control and any
    /// arm-versus-arm comparison); nil = none.
    public var correction: MultipleTesting? = .holm
    /// Correction across segment values × comparisons, per metric; nil = none.
    public var segmentCorrection: MultipleTesting? = .benjaminiHochberg
    /// The Bayesian prior on the relative lift; nil = flat (improper).
    public var prior: NormalPrior? = nil
    /// The power at which the report states the minimum detectable effect.
    public var power = 0.8
    /// The events that count as a return for the Kaplan–Meier curves; empty = the events of the
    /// first retention metric (no curves when there is none).
    public var returnEvents: [String] = []
    /// How many days after entry the return curves follow users.
    public var survivalDays = 30.0
    /// Extra arm-versus-arm comparisons (e.g. SMS + email against SMS alone), by arm name.
    public var armComparisons: [ArmComparison] = []

    /// Default settings.
    public init() {}
  }

  /// One requested arm-versus-arm comparison: `arm` against `against`.
  public struct ArmComparison: Sendable, Equatable {
    public var arm: String
    public var against: String

    /// Creates a comparison request.
    public init(arm: String, against: String) {
      self.arm = arm
      self.against = against
    }
  }

  /// The cost of one delivered message on a channel, for cost per incremental conversion and
  /// incremental ROAS.
  public struct ChannelCost: Sendable, Equatable {
    /// The channel name (`channel` column, or the exposure event's prefix: `sms_delivered` → `sms`).
    public var channel: String
    /// The cost per delivered message, in the revenue's currency.
    public var cost: Double

    /// Creates a channel cost.
    public init(channel: String, cost: Double) {
      self.channel = channel
      self.cost = cost
    }
  }

  /// The longest experiment key, arm or metric name, in UTF-8 bytes: names become file names
  /// (`assign --split`, program reports), whose limit is 255 bytes on Linux filesystems.
  public static let maximumNameLength = 128

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
  /// Message costs per channel, sorted by channel; empty when not configured.
  public var costs: [ChannelCost] = []
  /// Journey-validation thresholds (the `validation` object).
  public var validation = Validation()
  /// How `holdout cohort` builds the cohort (the `entry` object), if configured.
  public var entry: EntryDefinition? = nil
  /// Where the rows live in a warehouse (the `warehouse` object; defaults when absent), for
  /// `holdout sql`.
  public var warehouse = WarehouseDefinition()

  /// Thresholds of the data-quality checks (`holdout validate`, the report's Checks section).
  /// Each is a share of users or rows; a check fails when it is crossed.
  public struct Validation: Sendable, Equatable {
    /// Holdout users reached by the journey, as a share of the holdout.
    public var maxContamination = 0.01
    /// Treatment users reached, as a share of each treatment arm (below it fails).
    public var minExposure = 0.5
    /// Users whose recorded arm differs from the hash.
    public var maxSplitDisagreement = 0.01
    /// Duplicate rows, per input file.
    public var maxDuplicates = 0.05
    /// Rejected rows, per input file.
    public var maxRejected = 0.01
    /// Exposure events dated before the user's entry, as a share of exposure events.
    public var maxExposureBeforeEntry = 0.05
    /// Events whose alias belongs to several units (never merged), as a share of event rows.
    public var maxAmbiguousEvents = 0.01
    /// The p-value below which arms' pre-period means count as imbalanced.
    public var preImbalanceP = 0.001

    /// The defaults.
    public init() {}
  }

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

  /// The events that count as a return for the survival curves.
  public var returnEvents: [String] {
    if !analysis.returnEvents.isEmpty { return analysis.returnEvents }
    return metrics.first { $0.kind == .retention }?.events ?? []
  }

  /// The index of the control arm.
  public var controlIndex: Int { arms.firstIndex(where: \.isControl) ?? 0 }

  /// The decimals a bucket (the hash value) is written with in exported lists and cohorts:
  /// exactly its precision, 4 for hash v2 and 3 for v1.
  public var bucketDecimals: Int { hashVersion == .v2 ? 4 : 3 }

  /// The splitter that reproduces GrowthBook's assignment for this experiment.
  public var splitter: Splitter {
    Splitter(seed: salt, weights: arms.map(\.weight), coverage: coverage, version: hashVersion)
  }
}
