import Ingest

/// Folds the records of one source (any format, via `SourceReader`) into the per-user outcomes.
///
/// Each record gets exactly one fate in the file's `Reconciliation`, decided in this order:
/// rejected (unreadable, with a reason), not an event, duplicate (the source's own key; one
/// de-duplication table per role and format, so overlapping export files de-duplicate too), after
/// `as_of`, identity not resolved or ambiguous, user not in cohort, user not analysed, holdout
/// marker (used as recorded-split evidence), event not measured, outside every window, used.
///
/// Identity: the layout's id fields are tried in order; the first present one decides. A `unit`
/// field is the unit id itself; an alias field (email, device id) is looked up in the identities
/// file, and an alias it does not list lets the next field try. Exposure events at or after entry
/// set the user's first exposure and add the channel's message cost.
struct EventJoiner {
  enum Role: String {
    case messages
    case events
  }

  let experiment: ExperimentDefinition
  let asOf: Int64
  let strict: Bool

  /// What each known event name means: the metrics it feeds and whether it is an exposure.
  struct EventMeaning {
    var metrics: [Int] = []
    var isExposure = false
    var isReturn = false

    mutating func merge(_ other: EventMeaning) {
      for m in other.metrics where !metrics.contains(m) { metrics.append(m) }
      isExposure = isExposure || other.isExposure
      isReturn = isReturn || other.isReturn
    }
  }

  /// The de-duplication state shared by the sources of one id space (role, format, key fields).
  typealias DedupTable = EventIDSet

  /// The per-user state the join writes.
  struct Target {
    var outcomes: UserOutcomes
    var channels = ChannelTable()
    var findings = JoinFindings()
    var dedup: [String: DedupTable] = [:]
  }

  func join(
    source: SourceSpec, role: Role, cohort: CohortTable, identities: IdentityTable, into target: inout Target
  ) throws(MeasurementError) -> Reconciliation {
    let reader = SourceReader(spec: source, role: role)
    let resolver = try IdentityResolver(layout: reader.layout, source: source, identities: identities)
    return try readingInput(path: source.path) {
      // One table per id space: the same role, format and key fields (export windows of one
      // platform de-duplicate across files; unrelated generic files do not).
      let key = role.rawValue + "/" + source.format.rawValue + "/"
        + reader.layout.dedup.map { $0.joined(separator: "|") }.joined(separator: ",")
      var dedup = target.dedup[key] ?? DedupTable()
      defer { target.dedup[key] = dedup }
      var fold = Fold(
        joiner: self, source: source, role: role, cohort: cohort, resolver: resolver,
        idFields: reader.layout.ids.map(\.field))
      try reader.forEachRecord { record, extraction in
        try fold.take(&record, extraction, target: &target, dedup: &dedup)
        return true
      }
      return fold.ledger
    }
  }

  /// A digest of what a record says (user, event, time, value), to tell a true duplicate from a
  /// different record that reuses an id.
  static func fingerprint(_ r: SourceRecord) -> UInt32 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    return r.text.withUnsafeBufferPointer { text in
      var h: UInt64 = 0xCBF2_9CE4_8422_2325
      if let first = r.ids.first(where: { $0 != nil }), let range = first {
        h = ByteKeyTable.hash(UnsafeBufferPointer(rebasing: text[range]))
      }
      h = (h ^ ByteKeyTable.hash(UnsafeBufferPointer(rebasing: text[r.event]))) &* prime
      h = (h ^ UInt64(bitPattern: r.time)) &* prime
      h = (h ^ UInt64(bitPattern: r.value ?? Int64.min)) &* prime
      return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }
  }
}
