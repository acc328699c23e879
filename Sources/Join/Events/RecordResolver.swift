import Experiment
import Ingest
import MeasurementModel
import Platforms

/// What workers need to turn a `SourceRecord` into a `ParsedRecord`: read-only state shared by
/// every thread. A class, so that a reference is all that moves: a struct copied out of an
/// array per record retains and releases each of its arrays, on counters both threads write.
package final class RecordResolver: @unchecked Sendable {
  package let cohort: CohortTable
  package let resolver: IdentityResolver
  package let idFields: [String]
  package let dedupFields: [String]
  /// Event names (after renames) → meaning index.
  package let names: ByteKeyTable
  /// Per meaning index, whether it is an exposure: only exposures' channels are read by the
  /// fold, so only theirs are kept in the batch.
  private let exposures: [Bool]

  /// The event names of at most 16 bytes as (length, bytes as two zero-padded words, meaning),
  /// when there are at most 16 of them (the usual case): a record's event name of at most 16
  /// bytes can only be one of them, and comparing a few words is cheaper than hashing it. Longer
  /// names, and every name when there are more, are looked up in `names`.
  private let shortNames: [(length: Int, words: (UInt64, UInt64), meaning: Int32)]?

  package init(
    cohort: CohortTable, resolver: IdentityResolver, idFields: [String], dedupFields: [String], names: ByteKeyTable,
    exposures: [Bool]
  ) {
    self.exposures = exposures
    self.cohort = cohort
    self.resolver = resolver
    self.idFields = idFields
    self.dedupFields = dedupFields
    self.names = names
    let short = (0..<names.count).compactMap { id in
      names.withKey(Int32(id)) { $0.count <= 16 ? ($0.count, ByteKeyTable.inlineWords($0), Int32(id)) : nil }
    }
    shortNames = short.count <= 16 ? short : nil
  }

  /// The meaning index of event name `name`, or −1 when no metric or exposure uses it.
  @inline(__always)
  package func meaning(of name: UnsafeBufferPointer<UInt8>) -> Int32 {
    guard let shortNames, name.count <= 16 else { return names.find(name).map { Int32($0) } ?? -1 }
    let words = ByteKeyTable.inlineWords(name)
    for short in shortNames where short.length == name.count && short.words.0 == words.0 && short.words.1 == words.1 {
      return short.meaning
    }
    return -1
  }

  /// Appends the record (or its rejection) to `batch`.
  package func append(_ r: SourceRecord, _ extraction: Extraction, lineOffset: Int, to batch: inout ParsedBatch) {
    var p = ParsedRecord()
    p.line = Int32(truncatingIfNeeded: r.line - lineOffset)
    switch extraction {
    case .rejected(let reason, let detail):
      p.kind = .rejected
      p.reason = reason
      // The record's first id value, when it got that far, keys its example.
      let user = r.ids.lazy.compactMap { $0 }.first.map { batch.keep(r.text[$0]) }
      p.note = batch.note(ParsedBatch.Rejection(detail: detail, user: user))
      batch.records.append(p)
      return
    case .notAnEvent:
      p.kind = .notAnEvent
      batch.records.append(p)
      return
    case .record: break
    }
    p.time = r.time
    p.control = r.control
    if let value = r.value {
      p.hasValue = true
      p.value = value
    }
    r.text.withUnsafeBufferPointer { text in
      if let key = r.dedup {
        p.hasDedup = true
        p.dedupHash = ByteKeyTable.hash(UnsafeBufferPointer(rebasing: text[key]))
        p.fingerprint = EventJoiner.fingerprint(r)
        p.keyStart = Int32(batch.text.count)
        p.keyLength = Int32(key.count)
        batch.text.append(contentsOf: text[key])
      }
      p.meaning = meaning(of: UnsafeBufferPointer(rebasing: text[r.event]))
      guard p.meaning >= 0 && exposures[Int(p.meaning)] else { return }
      let channel: Slice<UnsafeBufferPointer<UInt8>>
      if let range = r.channel {
        channel = text[range]
      } else {
        channel = ChannelName.prefix(ofEvent: text[r.event])
      }
      p.channelStart = Int32(batch.text.count)
      p.channelLength = Int32(channel.count)
      batch.text.append(contentsOf: channel)
    }
    switch resolver.resolve(r) {
    case .direct(let range):
      r.text.withUnsafeBufferPointer { text in
        let key = UnsafeBufferPointer(rebasing: text[range])
        let offset = batch.text.count
        if key.count > 16 { batch.text.append(contentsOf: key) }
        batch.lookups.append(ByteKeyTable.lookup(key, offset: offset))
        batch.lookupRecords.append(Int32(batch.records.count))
      }
    case .alias(let unit):
      if let user = resolver.identities.user(ofUnit: unit) { p.user = user } else { p.identity = .notInCohort }
    case .ambiguous(let k, let range):
      p.identity = .ambiguous
      p.note = batch.note(ParsedBatch.AliasNote(field: Int32(k), value: batch.keep(r.text[range])))
    case .unresolved(let last):
      p.identity = .unresolved
      p.note = batch.note(
        ParsedBatch.AliasNote(field: Int32(last?.field ?? -1), value: last.map { batch.keep(r.text[$0.range]) }))
    }
    batch.records.append(p)
  }

  /// Completes a batch once all its records are appended: the cohort lookups, made together, and
  /// for every resolved user whether they are analysed and the record's time since their entry.
  package func finish(_ batch: inout ParsedBatch) {
    let n = batch.lookups.count
    if n > 0 {
      var ids = [Int32](repeating: -1, count: n)
      batch.lookups.withUnsafeBufferPointer { lookups in
        batch.text.withUnsafeBufferPointer { keys in
          ids.withUnsafeMutableBufferPointer { cohort.ids.find(lookups, keys: keys, into: $0) }
        }
      }
      batch.records.withUnsafeMutableBufferPointer { records in
        for i in 0..<n {
          let k = Int(batch.lookupRecords[i])
          if ids[i] >= 0 { records[k].user = ids[i] } else { records[k].identity = .notInCohort }
        }
      }
      batch.lookups = []
      batch.lookupRecords = []
    }
    cohort.entry.withUnsafeBufferPointer { entry in
      cohort.arm.withUnsafeBufferPointer { arm in
        batch.records.withUnsafeMutableBufferPointer { records in
          for k in records.indices where records[k].kind == .record && records[k].identity == .user && records[k].user >= 0 {
            let u = Int(records[k].user)
            records[k].analysed = arm[u] != CohortTable.notAnalysed
            records[k].sinceEntry = records[k].time &- entry[u]
          }
        }
      }
    }
  }

  /// The detail of an identity example: the alias `note` shows and why it did not resolve.
  package func identityDetail(_ note: ParsedBatch.AliasNote, ambiguous: Bool, in batch: ParsedBatch) -> String {
    guard let value = note.value, note.field >= 0 else { return "only alias ids, and no identities file column for them" }
    let bytes = batch.text[Int(value.start)..<Int(value.start + value.count)]
    let alias = "\(idFields[Int(note.field)]) \(VisibleText.quoted(bytes))"
    return alias + (ambiguous ? " belongs to several units in the identities file" : " is not in the identities file")
  }

  /// A de-duplication key for messages: `event_id 'e1'`, or the fields and values of a
  /// composite key (`key (eventName, messageId, …) 'emailOpen|m1|…'`).
  package func dedupLabel(_ key: ArraySlice<UInt8>) -> String {
    let values = DedupKey.parts(of: key)
    if dedupFields.count == 1, let value = values.first {
      return "\(dedupFields[0]) \(VisibleText.quoted(Array(value.utf8)))"
    }
    return "key (\(dedupFields.joined(separator: ", "))) \(VisibleText.quoted(Array(values.joined(separator: "|").utf8)))"
  }
}
