extension PlatformFormat {
  /// Any CSV: nothing is assumed; the experiment file maps every column (`id`, `fields`).
  static let genericCSV = PlatformFormat(format: .csv, defaults: { _ in .unmapped })
  /// Any JSON lines (or array, or concatenated documents): every field mapped by dotted path.
  static let genericJSONLines = PlatformFormat(format: .jsonl, defaults: { _ in .unmapped })
}

extension SourceLayout {
  /// A layout with nothing mapped, for the generic formats.
  static let unmapped = SourceLayout(ids: [], event: .field([], fallback: nil), times: [], values: [], dedup: [])
}
