import Dispatch
import Experiment
import Ingest
import MeasurementModel
import Platforms

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
package struct EventJoiner {
  package typealias Role = SourceRole

  package let experiment: ExperimentDefinition
  package let asOf: Int64
  package let strict: Bool
  /// Times after this are counted as implausible (`MeasurementLimits.futureLimit`).
  package var futureLimit: Int64 { MeasurementLimits.futureLimit(asOf: asOf, experimentAsOf: experiment.asOf) }
  /// Threads that parse chunks (1: everything on the calling thread, the reference order).
  package var threads = 1
  /// Bytes per chunk (small values in tests put chunk boundaries everywhere).
  package var chunkSize = 1 << 19
  /// Whether files of a folder source that provably hold no record the experiment can use are
  /// skipped unopened (`EventJoiner.prune`); tests turn it off to show it changes no result.
  package var prunes = true
  /// Called with the bytes read so far and the input's size when known, for progress.
  package var progress: (@Sendable (Int, Int?) -> Void)? = nil
  /// The sources' listings made ahead (`SharedJoin`); a source not in it is listed when read.
  package var trees: TreePrefetch? = nil

  /// What each known event name means: the metrics it feeds and whether it is an exposure.
  package struct EventMeaning {
    package var metrics: [Int] = []
    package var isExposure = false
    package var isReturn = false

    package mutating func merge(_ other: EventMeaning) {
      for m in other.metrics where !metrics.contains(m) { metrics.append(m) }
      isExposure = isExposure || other.isExposure
      isReturn = isReturn || other.isReturn
    }
  }

  /// The per-user state the join writes.
  package struct Target {
    package var outcomes: UserOutcomes
    package var channels = ChannelTable()
    package var findings = JoinFindings()
    /// By id-space key (`dedupKey`).
    package var dedup: [String: DedupTable] = [:]
  }

  /// One experiment's part in a read: its joiner, its own spec of the file (its path as written,
  /// its renames), its cohort and identities (its target is passed beside it).
  package struct Participant {
    package let joiner: EventJoiner
    package let source: SourceSpec
    package let cohort: CohortTable
    package let identities: IdentityTable
  }

  /// Chunks per thread read and not yet folded (`readChunks`): enough that no thread waits for
  /// work, few enough to bound memory (at 512 KiB a chunk, about 2–3 MB of parsed batch each).
  package static let chunksPerThread = 4

  /// The most keys `reserve` sizes the de-duplication set for ahead of seeing them.
  package static let reservationLimit = 1 << 25
}
