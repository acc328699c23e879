/// How the cohort builds itself (`holdout cohort`; the experiment file's `entry` object,
/// docs/experiment-file.md#entry): who is lapsed as of a day T, by how long since their last
/// purchase, and which segment that puts them in.
///
/// Inactivity is counted in whole days in `timeZone`: d = localDate(T) − localDate(last purchase),
/// so a purchase at 23:30 local time and one at 00:10 the next local morning are a day apart,
/// and a purchase on the day T falls on has d = 0. A user is lapsed when d ≥ the lowest
/// threshold; segment k holds thresholds[k] ≤ d < thresholds[k+1] (the last is open-ended).
public struct EntryDefinition: Sendable, Equatable {
  /// Where the last purchase comes from.
  public enum Source: Sendable, Equatable {
    /// A contact export (`entry.contacts`).
    case contacts
    /// The experiment's own behaviour events (`inputs.events`): each user's last event named in
    /// `events` before T. The users are those the events name (no consent columns).
    case events([String])
  }

  /// A contact export: one row (CSV) or JSON object (JSON lines) per contact.
  public struct Contacts: Sendable, Equatable {
    /// The file format.
    public enum Format: String, Sendable, Equatable {
      case csv
      case jsonl
    }

    /// The resolved path.
    public var path: String
    /// CSV or JSON lines (default: by extension, `.jsonl`/`.json`[`.gz`] → jsonl).
    public var format: Format
    /// The user-id column (or dotted JSON path); default `id`.
    public var id = "id"
    /// The last-purchase (or last-activity) timestamp column; default `last_purchase_at`.
    public var lastPurchase = "last_purchase_at"
    /// A consent column: the contact may be messaged only when it is true (`true`, `yes`,
    /// `1`, `y`, `opted_in`, `subscribed`; case-insensitive). Nil: consent is not checked.
    public var consent: String? = nil
    /// An unsubscribed column: true excludes the contact. Nil: not checked.
    public var unsubscribed: String? = nil
    /// Optional email and phone columns, copied into the cohort for the senders' lists.
    public var email: String? = nil
    public var phone: String? = nil
    /// Contact columns copied into the cohort under their own names, after email and phone
    /// (`"copy": ["tier", "country"]`): attributes a report can then segment by (`segments`).
    public var copy: [String] = []

    /// A contact export at `path`.
    public init(path: String, format: Format) {
      self.path = path
      self.format = format
    }
  }

  /// One inactivity segment: users with `days` ≤ d < the next segment's `days`.
  public struct Segment: Sendable, Equatable {
    /// The segment's name, written in the cohort's `segment` column.
    public var name: String
    /// The lower bound in whole days (inclusive).
    public var days: Int

    /// Creates a segment.
    public init(name: String, days: Int) {
      self.name = name
      self.days = days
    }
  }

  /// When a user's journey starts.
  public enum EntryTime: String, Sendable, Equatable {
    /// At T, the day the cohort is built (default).
    case asOf = "as_of"
    /// At the moment the user crossed the lowest threshold: the start of the local day
    /// lastPurchaseDay + lowest threshold (never after T).
    case threshold
  }

  /// Where last purchases come from.
  public var source: Source
  /// The contact export (nil for the `events` source).
  public var contacts: Contacts?
  /// The segments by increasing threshold (default 60, 90, 180 → lapsed_60, lapsed_90,
  /// lapsed_180).
  public var segments: [Segment] = EntryDefinition.defaultSegments
  /// When entry is.
  public var entryTime: EntryTime = .asOf
  /// Re-entry: a user whose latest entry is at least this many days before T and who is lapsed
  /// again enters again (same arm: the hash does not change). Nil: a user enters once.
  public var reentryDays: Int? = nil
  /// The time zone days are counted in (`UTC`, an offset, or an IANA name); default UTC.
  public var timeZone = "UTC"
  /// How timestamps in the contact export are written (default: auto).
  public var timeFormat: String? = nil

  /// 60, 90 and 180 days.
  public static let defaultSegments = [
    Segment(name: "lapsed_60", days: 60), Segment(name: "lapsed_90", days: 90), Segment(name: "lapsed_180", days: 180),
  ]

  /// An entry rule reading `source`.
  public init(source: Source, contacts: Contacts? = nil) {
    self.source = source
    self.contacts = contacts
  }

  /// The segment of a user inactive for `days` whole days, or nil when below the lowest
  /// threshold.
  public func segment(forInactiveDays days: Int) -> Segment? {
    segments.last { $0.days <= days }
  }
}
