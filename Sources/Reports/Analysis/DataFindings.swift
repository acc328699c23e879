import MeasurementModel
import TextOutput

/// The data-quality findings of a measurement as sentences, each with its examples: the one
/// wording the Markdown and HTML reports share (each renders and escapes it its own way).
enum DataFindings {
  /// The findings, in a fixed order; empty when there are none.
  static func sentences(_ measurement: Measurement) -> [(text: String, examples: [String])] {
    let findings = measurement.findings
    var result: [(text: String, examples: [String])] = []
    if findings.exposuresBeforeEntry > 0 {
      result.append(("\(NumberFormat.grouped(findings.exposuresBeforeEntry)) exposure events are dated before the user entered the journey (not counted as exposure).", []))
    }
    if findings.conflictingDuplicates > 0 {
      result.append((
        "\(NumberFormat.grouped(findings.conflictingDuplicates)) rows reuse an earlier row's id with different content; the first row in file order was kept, so fix the export:",
        findings.conflictExamples))
    }
    if findings.revenueRowsWithoutValue > 0 {
      result.append(("\(NumberFormat.grouped(findings.revenueRowsWithoutValue)) revenue-metric events had no value and counted as 0 revenue.", []))
    }
    let unresolved = measurement.files.reduce(0) { $0 + $1[.unresolvedIdentity] }
    let ambiguous = measurement.files.reduce(0) { $0 + $1[.ambiguousIdentity] }
    if findings.identityCollisions > 0 {
      let n = findings.identityCollisions
      result.append((
        "\(NumberFormat.grouped(n)) \(n == 1 ? "alias" : "aliases") in the identities file \(n == 1 ? "belongs" : "belong") to several units; events carrying \(n == 1 ? "it are" : "them are") not merged into any unit:",
        findings.collisionExamples))
    }
    if unresolved > 0 {
      result.append((
        "\(NumberFormat.grouped(unresolved)) \(unresolved == 1 ? "event" : "events") could not be resolved to a unit (aliases not in the identities file):",
        findings.unresolvedExamples))
    }
    if ambiguous > 0 {
      result.append((
        "\(NumberFormat.grouped(ambiguous)) \(ambiguous == 1 ? "event carries" : "events carry") an alias that belongs to several units:",
        findings.ambiguousExamples))
    }
    let marks = findings.platformControl
    if marks.marked > 0 {
      let start = "The messaging platform marked \(NumberFormat.grouped(marks.marked)) analysed users as held out: \(NumberFormat.grouped(marks.inControlArm)) are in the control arm"
      if marks.inTreatmentArms > 0 {
        result.append((
          start + " and \(NumberFormat.grouped(marks.inTreatmentArms)) in treatment arms. The platform's split disagrees with the experiment's, so treatment arms hold users who were not messaged; check the journey's holdout settings:",
          marks.examples))
      } else {
        result.append((start + ", as they should be.", []))
      }
    }
    return result
  }
}
