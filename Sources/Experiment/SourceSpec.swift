import Ingest

/// One input file of messages or behaviour events, as the experiment file describes it: where it
/// is, which platform wrote it, and how its records map to users and events
/// (docs/inputs.md lists every format's fields, defaults and traps).
public struct SourceSpec: Sendable, Equatable {
  /// The export format.
  public enum Format: String, Sendable, Equatable, CaseIterable {
    /// Holdout's own CSV (`user_id,event,timestamp[,value][,event_id|message_id][,channel]`).
    case holdout
    /// Any CSV, with a column mapping (`fields`).
    case csv
    /// Any JSON lines, with a field mapping by dotted path (`fields`).
    case jsonl
    /// Customer.io reporting webhooks, one JSON object per line.
    case customerio
    /// Customer.io's delivery export: one CSV row per delivery, one `<metric> At` column each.
    case customerioCSV = "customerio_csv"
    /// Braze Currents events as JSON lines (`avro-tools tojson`, or the HTTP connector shape).
    case braze
    /// Iterable system webhooks or Export API JSON lines.
    case iterable
    /// Iterable Export API CSV.
    case iterableCSV = "iterable_csv"
    /// Klaviyo Events API JSON:API pages (one or more documents in a file).
    case klaviyo
    /// Amplitude Export API JSON lines (usually `.json.gz`).
    case amplitude
    /// Mixpanel raw export JSON lines.
    case mixpanel
    /// Segment track calls as JSON lines.
    case segment

    /// True for formats read as CSV.
    public var isCSV: Bool { self == .holdout || self == .csv || self == .customerioCSV || self == .iterableCSV }

    /// True for formats whose records are JSON objects read by `JSONScanner`: as JSON lines, a
    /// top-level array or concatenated documents (`JSONFraming`). Not Klaviyo's pages.
    public var isJSONRecords: Bool { !isCSV && !isJSONAPIPages }

    /// True for formats of JSON:API page documents, read whole, a page at a time (Klaviyo).
    public var isJSONAPIPages: Bool { self == .klaviyo }

    /// The supported format names, for messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
  }

  /// One way a record names its user: a field, and how its value becomes a unit id.
  public struct IdentityField: Sendable, Equatable {
    /// The field: a dotted path in JSON, a column name in CSV.
    public var field: String
    /// `unit` when the value is the experiment's unit id itself; otherwise the identities-file
    /// column to look the value up in.
    public var identity: String

    /// Creates an identity field.
    public init(field: String, identity: String = IdentityField.unit) {
      self.field = field
      self.identity = identity
    }

    /// The identity name meaning "this value is the unit id".
    public static let unit = "unit"
  }

  /// The field mapping of a generic source (`csv`, `jsonl`); also overrides a platform's defaults.
  public struct Fields: Sendable, Equatable {
    /// The event name's field.
    public var event: String?
    /// The time's field.
    public var time: String?
    /// The value's (revenue's) field.
    public var value: String?
    /// Fields whose values together identify a record, for de-duplication.
    public var dedup: [String]?
    /// The channel's field (`sms`, `email`), for costs and exposure channels.
    public var channel: String?

    /// An empty mapping.
    public init() {}
  }

  /// The file, resolved against the experiment file's folder; `-` is standard input.
  public var path: String
  /// The format.
  public var format: Format
  /// The identity fields tried in order; nil = the format's defaults.
  public var ids: [IdentityField]?
  /// Field overrides (required for `csv` and `jsonl`).
  public var fields = Fields()
  /// How times are written. `auto` (the default) reads every platform's forms; a stricter
  /// choice applies to any format and rejects times not in that form.
  public var timeFormat: TimeFormat = .auto
  /// The time zone of zone-less times (epoch numbers, ISO text without `Z` or offset): `UTC`,
  /// a fixed offset such as `+05:30`, or an IANA name such as `America/Los_Angeles`.
  public var timeZone: String?
  /// A constant event name for files without an event field (an Iterable CSV export of one
  /// event type, a Braze Currents file of one `event_type`).
  public var event: String?
  /// Renames from the platform's event names to the experiment's (`Order Completed` → `order`).
  public var rename: [Rename] = []

  /// One event rename.
  public struct Rename: Sendable, Equatable {
    /// The name in the file.
    public var from: String
    /// The name the experiment's metrics and exposure use.
    public var to: String

    /// Creates a rename.
    public init(from: String, to: String) {
      self.from = from
      self.to = to
    }
  }

  /// A source of `format` at `path` with the format's defaults.
  public init(path: String, format: Format = .holdout) {
    self.path = path
    self.format = format
  }
}

/// The optional identities file: one row per known combination of a unit id and its aliases
/// (`customer_id,email,amplitude_id,device_id`), used to resolve events to units.
public struct IdentitiesSpec: Sendable, Equatable {
  /// The CSV file, resolved against the experiment file's folder.
  public var path: String
  /// The column holding the experiment's unit id; nil = the first column.
  public var unit: String?

  /// Creates the spec.
  public init(path: String, unit: String? = nil) {
    self.path = path
    self.unit = unit
  }
}
