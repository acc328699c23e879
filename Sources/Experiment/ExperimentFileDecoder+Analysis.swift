import Statistics

/// The `analysis` and `costs` parts of the experiment file.
extension ExperimentFileDecoder {
  static func decodeAnalysis(_ object: inout ObjectReader) throws(ExperimentError)
    -> ExperimentDefinition.Analysis
  {
    var analysis = ExperimentDefinition.Analysis()
    guard let node = try object.optionalNode("analysis") else { return analysis }
    var reader = try ObjectReader(node, path: object.path, keyPath: "analysis")
    if let alpha = try reader.optionalNumber("alpha") {
      guard alpha > 0 && alpha < 0.5 else {
        throw reader.invalid("alpha", "must be between 0 and 0.5 (e.g. 0.05 for 95% intervals), got \(alpha)")
      }
      analysis.alpha = alpha
    }
    if let threshold = try reader.optionalNumber("srm_threshold") {
      guard threshold > 0 && threshold < 1 else {
        throw reader.invalid("srm_threshold", "must be between 0 and 1, got \(threshold)")
      }
      analysis.srmThreshold = threshold
    }
    if let sequential = try reader.optionalBool("sequential") { analysis.sequential = sequential }
    if let tuning = try reader.optionalNumber("sequential_tuning") {
      guard tuning >= 10 && tuning <= 1e12 else {
        throw reader.invalid(
          "sequential_tuning",
          "must be between 10 and 1e12 users (the total of two arms at the decision week), got \(tuning)")
      }
      analysis.sequentialTuning = tuning
    }
    if let cuped = try reader.optionalBool("cuped") { analysis.cuped = cuped }
    analysis.correction = try correction(&reader, "correction", default: .holm)
    analysis.segmentCorrection = try correction(
      &reader, "segment_correction", default: .benjaminiHochberg)
    if let node = try reader.optionalNode("prior") {
      var prior = try ObjectReader(node, path: object.path, keyPath: "analysis.prior")
      let mean = try prior.number("mean")
      let sd = try prior.number("sd")
      guard abs(mean) <= 100, sd > 0 && sd <= 100 else {
        throw prior.invalid(
          "sd", "the prior on the relative lift needs |mean| ≤ 100 and 0 < sd ≤ 100 (e.g. mean 0, sd 0.3), got mean \(mean), sd \(sd)")
      }
      try prior.rejectUnknownKeys()
      analysis.prior = NormalPrior(mean: mean, standardDeviation: sd)
    }
    if let power = try reader.optionalNumber("power") {
      guard power > 0.5 && power < 1 else {
        throw reader.invalid("power", "must be between 0.5 and 1 (e.g. 0.8), got \(power)")
      }
      analysis.power = power
    }
    if let events = try reader.optionalStringList("return_events") {
      guard !events.isEmpty, !events.contains("") else {
        throw reader.invalid("return_events", "must list at least one non-empty event name")
      }
      analysis.returnEvents = events
    }
    if let days = try reader.optionalNumber("survival_days") {
      guard days >= 1 && days <= 3650 else {
        throw reader.invalid("survival_days", "must be between 1 and 3650 days, got \(days)")
      }
      analysis.survivalDays = days
    }
    if let nodes = try reader.optionalArray("compare") {
      for (index, node) in nodes.enumerated() {
        var pair = try ObjectReader(node, path: object.path, keyPath: "analysis.compare[\(index)]")
        let arm = try pair.string("arm")
        let against = try pair.string("against")
        guard arm != against else { throw pair.invalid("against", "an arm cannot be compared with itself") }
        try pair.rejectUnknownKeys()
        analysis.armComparisons.append(.init(arm: arm, against: against))
      }
    }
    try reader.rejectUnknownKeys()
    return analysis
  }

  /// Checks that `analysis.compare` names arms of the experiment.
  static func validateArmComparisons(
    _ definition: ExperimentDefinition, _ object: ObjectReader
  ) throws(ExperimentError) {
    let names = definition.arms.map(\.name)
    let control = definition.arms.first { $0.isControl }?.name
    var seen: [(arm: String, against: String)] = []
    for pair in definition.analysis.armComparisons {
      for name in [pair.arm, pair.against] where !names.contains(name) {
        throw object.invalid(
          "analysis", "compare names arm '\(name)', which is not one of \(names.joined(separator: ", "))")
      }
      // Every arm is compared with the control already; listing it again would report the
      // comparison twice and count it twice in the Holm family.
      if pair.against == control || pair.arm == control {
        throw object.invalid(
          "analysis",
          "compare lists '\(pair.arm)' against '\(pair.against)', but every arm is already compared with the control '\(control ?? "")'; list only comparisons between treatment arms")
      }
      if seen.contains(where: { ($0.arm, $0.against) == (pair.arm, pair.against) || ($0.arm, $0.against) == (pair.against, pair.arm) }) {
        throw object.invalid("analysis", "compare lists '\(pair.arm)' against '\(pair.against)' twice; keep one")
      }
      seen.append((pair.arm, pair.against))
    }
  }

  private static func correction(
    _ reader: inout ObjectReader, _ key: String, default value: MultipleTesting
  ) throws(ExperimentError) -> MultipleTesting? {
    guard let text = try reader.optionalString(key) else { return value }
    if text == "none" { return nil }
    guard let method = MultipleTesting(rawValue: text) else {
      throw reader.invalid(key, "unknown correction '\(text)'; use holm, benjamini_hochberg or none")
    }
    return method
  }

  /// `"costs": {"sms": 0.0075, "email": 0.001}`: cost per delivered message by channel.
  static func decodeCosts(_ object: inout ObjectReader) throws(ExperimentError)
    -> [ExperimentDefinition.ChannelCost]
  {
    guard let node = try object.optionalNode("costs") else { return [] }
    var reader = try ObjectReader(node, path: object.path, keyPath: "costs")
    var costs: [ExperimentDefinition.ChannelCost] = []
    for channel in reader.keys {
      let cost = try reader.number(channel)
      guard cost >= 0 && cost <= 1e6 else {
        throw reader.invalid(channel, "a message cost must be between 0 and 1e6, got \(cost)")
      }
      costs.append(.init(channel: channel, cost: cost))
    }
    return costs.sorted { $0.channel < $1.channel }
  }

  /// Decodes `validation`: thresholds of the journey checks, each a share in [0, 1] (or a
  /// p-value in (0, 1)).
  static func decodeValidation(_ object: inout ObjectReader) throws(ExperimentError)
    -> ExperimentDefinition.Validation
  {
    var validation = ExperimentDefinition.Validation()
    guard let node = try object.optionalNode("validation") else { return validation }
    var reader = try ObjectReader(node, path: object.path, keyPath: "validation")
    func share(_ key: String, _ value: inout Double) throws(ExperimentError) {
      guard let number = try reader.optionalNumber(key) else { return }
      guard number >= 0 && number <= 1 else { throw reader.invalid(key, "must be a share between 0 and 1, got \(number)") }
      value = number
    }
    try share("max_contamination", &validation.maxContamination)
    try share("min_exposure", &validation.minExposure)
    try share("max_split_disagreement", &validation.maxSplitDisagreement)
    try share("max_duplicates", &validation.maxDuplicates)
    try share("max_rejected", &validation.maxRejected)
    try share("max_exposure_before_entry", &validation.maxExposureBeforeEntry)
    try share("max_ambiguous_events", &validation.maxAmbiguousEvents)
    if let p = try reader.optionalNumber("pre_imbalance_p") {
      guard p > 0 && p < 1 else { throw reader.invalid("pre_imbalance_p", "must be a p-value between 0 and 1, got \(p)") }
      validation.preImbalanceP = p
    }
    try reader.rejectUnknownKeys()
    return validation
  }
}
