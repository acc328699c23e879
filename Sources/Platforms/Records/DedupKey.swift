/// The bytes of a record's de-duplication key (`SourceRecord.dedup`): each part's text followed by
/// `separator`, or `absent` alone for a part none of whose alternatives is present, so that
/// `a|b` with `c` absent and `a|bc` can never be the same key. Neither byte occurs in text from
/// a CSV or JSON export (they are C0 controls: JSON escapes them, CSV exports do not write them);
/// if one does, the key only gets longer, never ambiguous with a key of the same parts.
package enum DedupKey {
  /// Ends a present part (ASCII unit separator).
  package static let separator: UInt8 = 0x1F
  /// Stands for an absent part (ASCII record separator).
  package static let absent: UInt8 = 0x1E

  /// The parts of a key as text, for messages (`dedupLabel`).
  package static func parts<C: Collection<UInt8>>(of key: C) -> [String] {
    var parts: [[UInt8]] = [[]]
    for byte in key {
      if byte == separator || byte == absent { parts.append([]) } else { parts[parts.count - 1].append(byte) }
    }
    return parts.dropLast().map { String(decoding: $0, as: UTF8.self) }
  }
}
