import Experiment

/// Everything Holdout knows about one export format, as data: the layout's defaults for each
/// role (ids, event name, time fields and form, value, de-duplication key, channel and holdout
/// marker rules), how `holdout inspect` recognises a file of it, and the few facts its readers
/// and checks need. One file per platform declares its value (`Braze.swift`, `Amplitude.swift`,
/// …); the readers and `RecordExtractor` hold no platform's strings.
///
/// Design: formats differ by data, not by code paths. A new platform is a new file with a new
/// value and one line in `of(_:)`; a rule no platform yet needs becomes a new case of
/// `SourceLayout.ChannelRule` or `SourceLayout.ControlMarker.EventMatch`, written once for all.
public struct PlatformFormat: Sendable {
  /// The format's name in experiment files (`"format": "braze"`).
  public let format: SourceSpec.Format
  /// The platform's name in messages (`Braze Currents`); empty where no message names it.
  package var displayName = ""
  /// What a file of this format usually holds: a messaging platform's exports are message events
  /// (`holdout inspect` reads them so unless told `--role events`), an analytics tool's are
  /// behaviour events.
  public var usualRole: SourceRole = .events
  /// The layout's defaults for a role, before the experiment file's overrides
  /// (`SourceLayout.init(_:role:)` applies them).
  package let defaults: @Sendable (SourceRole) -> SourceLayout
  /// A Hive-style folder key whose value names the event when the records do not
  /// (Braze Currents: `…/event_type=users.messages.email.Send/…`).
  package var eventFolderKey: String? = nil
  /// A wide CSV export with one time column per metric (`<metric>_at`) and one record per
  /// filled cell: the column holding the message type, and the metrics (Customer.io).
  package var wideMetrics: WideMetricColumns? = nil
  /// A hint added when the event-name column is missing from a CSV export.
  package var missingEventHint: String? = nil
  /// How `holdout inspect` recognises a file of this format from its first record.
  package var probe: FormatProbe? = nil
  /// A note for journey validation when holdout users have deliveries in this platform's
  /// export (Customer.io writes trap deliveries for them).
  public var holdoutDeliveryNote: String? = nil

  /// The format's facts.
  public static func of(_ format: SourceSpec.Format) -> PlatformFormat {
    switch format {
    case .holdout: return .holdoutCSV
    case .csv: return .genericCSV
    case .jsonl: return .genericJSONLines
    case .customerio: return .customerIO
    case .customerioCSV: return .customerIOCSV
    case .braze: return .braze
    case .iterable: return .iterable
    case .iterableCSV: return .iterableCSV
    case .klaviyo: return .klaviyo
    case .amplitude: return .amplitude
    case .mixpanel: return .mixpanel
    case .segment: return .segment
    }
  }

  /// Every format, in the order `FormatGuesser` tries their probes (the most specific first).
  package static let guessOrder: [PlatformFormat] = [
    .holdoutCSV, .customerIOCSV, .iterableCSV, .klaviyo, .customerIO, .amplitude, .braze, .mixpanel, .segment, .iterable,
  ]

  /// The value of `key=` in a folder of `path` (Hive-style partitions), or nil.
  package static func folderValue(_ key: String, in path: String) -> String? {
    let prefix = key + "="
    for component in path.split(separator: "/") where component.hasPrefix(prefix) {
      let value = component.dropFirst(prefix.count)
      return value.isEmpty ? nil : String(value)
    }
    return nil
  }
}

/// A wide CSV export's columns: one `<metric>_at` time column per metric, one record per filled
/// cell, named `<type>_<metric>` from the type column.
package struct WideMetricColumns: Sendable {
  /// The type column, normalised (`type`), and as the export's header writes it (`Type`).
  package let typeColumn: String
  package let typeHeader: String
  /// The metrics whose `_at` columns are events; other `_at` columns (`created_at`) are not.
  package let metrics: Set<String>
}

/// How `holdout inspect` recognises a format from the first record's field names (JSON paths, or
/// CSV header names lower-cased with spaces as `_`): every `all` field present, at least one
/// `any` field (when given), and for CSV a column ending in `anySuffix` (when given).
package struct FormatProbe: Sendable {
  /// Whether the probe reads a JSON record or a CSV header.
  package enum Kind: Sendable {
    /// A JSON record's fields.
    case json
    /// A CSV header's columns.
    case csv
    /// A JSON:API page document: `all` fields and `textMarker` in the file's first bytes.
    case jsonAPIDocument
  }
  package let kind: Kind
  package var all: [String]
  package var any: [String] = []
  package var anySuffix: String? = nil
  /// Text the first bytes of the file contain (`jsonAPIDocument`).
  package var textMarker: String? = nil
  /// Why the guess was made, for display.
  package let reason: String

  /// True when `has` says the fields are there (`columns`: a CSV header, for `anySuffix`).
  package func matches(_ has: (String) -> Bool, columns: [String] = []) -> Bool {
    all.allSatisfy(has) && (any.isEmpty || any.contains(where: has))
      && (anySuffix.map { suffix in columns.contains { $0.hasSuffix(suffix) } } ?? true)
  }
}
