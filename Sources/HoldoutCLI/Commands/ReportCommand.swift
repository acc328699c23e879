#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import TextOutput

/// `holdout report`: one experiment file, a folder of them (`ProgramCommand`) or a warehouse's
/// aggregates (`WarehouseReport`); its usage and options are `CommandHelp.report`'s.
enum ReportCommand {
  /// The report formats and their file names.
  static let formats = [("md", "report.md"), ("json", "report.json"), ("html", "report.html")]

  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .report)
    let weekly = args.flag("weekly")
    let threads = try Threads.parse(args.value("threads"))
    let quiet = args.flag("quiet")
    let asOfText = args.value("as-of")
    let out = args.value("out")
    // Standard output carries one document: Markdown unless --format names another.
    let formatText = args.value("format") ?? (out == nil ? "md" : "md,json,html")
    let check = args.flag("check")
    let strict = args.flag("strict")
    let aggregates = args.value("aggregates")
    guard args.positional.count == 1 else {
      throw CLIError.usage("report needs exactly one experiment file, got \(args.positional.count)")
    }
    let selected = formatText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    for format in selected where !formats.contains(where: { $0.0 == format }) {
      throw CLIError.usage("unknown format '\(format)'; use md, json, html or a list such as md,json,html")
    }
    if check && out == nil { throw CLIError.usage("--check needs --out DIR, the committed report") }
    if out == nil && selected.count > 1 {
      throw CLIError.usage("without --out, report prints one document to standard output; give --format md, json or html, or --out DIR for several")
    }

    var options = Options(
      asOfText: asOfText, threads: threads, strict: strict, quiet: quiet, weekly: weekly, console: console)
    options.aggregates = aggregates
    let path = args.positional[0]
    if Self.isDirectory(path) {
      if aggregates != nil { throw CLIError.usage("--aggregates needs one experiment file, not a directory") }
      guard let out else { throw CLIError.usage("report DIR needs --out OUT: each report goes to OUT/<key>/ beside an index") }
      return try ProgramCommand.run(directory: path, out: out, selected: selected, check: check, options: options)
    }
    let report = try build(path: path, options: options)
    let documents = render(report, selected: selected, threads: threads)

    guard let out else {
      for document in documents { console.out(document.text) }
      return 0
    }
    if check { return try compare(documents, in: out, console: console) }
    do {
      // All or none: a full disk while writing report.json leaves the old report.md too.
      try ByteSink.writeSet(documents.map { (name: $0.file, text: $0.text) }, into: out)
    } catch {
      throw CLIError.output("cannot write the report into \(out): \(error.description)")
    }
    let files = documents.map { out + "/" + $0.file }.joined(separator: ", ")
    console.err("wrote \(files)\n")
    return 0
  }

  /// What every experiment of a run is measured with.
  struct Options {
    let asOfText: String?
    let threads: Int
    let strict: Bool
    let quiet: Bool
    let weekly: Bool
    let console: Console
    /// The command named in messages (`report`, `validate`).
    var command = "report"
    /// The aggregates a warehouse query returned, read instead of the input files.
    var aggregates: String? = nil
  }

  /// True when `path` is a directory.
  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Measures the experiment at `path` and computes its report (with the weekly history when
  /// asked).
  static func build(path: String, options: Options) throws -> ExperimentReport {
    if let aggregates = options.aggregates { return try WarehouseReport.build(path: path, aggregates: aggregates, options: options) }
    var measurer = try measurer(path: path, options: options)
    let meter = ProgressMeter(console: options.console, enabled: !options.quiet && options.console.isTerminal)
    if meter.enabled { measurer.progress = { meter.update($0) } }
    let joined = try measurer.join()
    return try report(measurer, joined: joined, options: options, meter: meter)
  }

  /// The measurer of the experiment at `path`: its file decoded, its cutoff chosen.
  static func measurer(path: String, options: Options) throws -> Measurer {
    let experiment = try ExperimentFileDecoder.load(path: path, for: .report)
    let asOf = try cutoff(experiment, text: options.asOfText, command: options.command)
    return Measurer(experiment: experiment, asOf: asOf, strict: options.strict, threads: options.threads)
  }

  /// The report of `measurer`'s experiment from its joined inputs (with the weekly history when
  /// asked). `meter` shows progress (finished here) and is used again if weeks must be re-read.
  static func report(
    _ measurer: Measurer, joined: JoinedInputs, options: Options, meter: ProgressMeter
  ) throws -> ExperimentReport {
    let experiment = measurer.experiment, asOf = measurer.asOf
    let measurement = measurer.measurement(of: joined)
    meter.finish()
    if let warning = asOfWarning(asOf, entries: measurement.entryRange, source: options.asOfText == nil ? "the experiment file's as_of" : "--as-of") {
      options.console.err("warning: \(warning)\n")
    }
    var report = ExperimentReport(measurement: measurement, threads: options.threads)
    if options.weekly, let first = measurement.entryRange?.first {
      let cutoffs = Array(WeeklyHistory.cutoffs(firstEntry: first, asOf: asOf).dropLast())
      // Every past week from the same read (`Measurer.history`); only when a row hit the per-user
      // bound is each week measured afresh from the data before its cutoff.
      func measureEachWeek() throws -> [Measurement] {
        defer { meter.finish() }
        return try cutoffs.enumerated().map { k, cutoff in
          var week = Measurer(experiment: experiment, asOf: cutoff, strict: options.strict, threads: options.threads)
          if meter.enabled {
            meter.label("week \(k + 1) of \(cutoffs.count): ")
            week.progress = { meter.update($0) }
          }
          return try week.measure()
        }
      }
      let weeks = try measurer.history(of: joined, cutoffs: cutoffs) ?? measureEachWeek()
      report.history = WeeklyHistory(reports: weeks.map { ExperimentReport(measurement: $0) } + [report])
    }
    return report
  }

  /// The analysis cutoff: `--as-of` when given, else the experiment file's `as_of`.
  static func cutoff(_ experiment: ExperimentDefinition, text: String?, command: String) throws -> Int64 {
    if let text {
      guard let parsed = Timestamp.parse(text) else {
        throw CLIError.usage("--as-of '\(text)' is not a timestamp: \(Timestamp.problem(with: text) ?? "unreadable"); use e.g. 2026-11-16 or 2026-11-16T00:00:00Z")
      }
      return parsed
    }
    guard let asOf = experiment.asOf else {
      throw CLIError.experiment(.missingForCommand(path: experiment.path, key: "as_of", command: "\(command) (or pass --as-of)"))
    }
    return asOf
  }

  /// A warning when `asOf` is more than 366 days after the last entry (a typo such as year
  /// 9999, or a program that ended long ago). Nil when it is plausible or no user entered; an
  /// `asOf` before every entry leaves no user analysed, which the report's first check fails.
  static func asOfWarning(_ asOf: Int64, entries: (first: Int64, last: Int64)?, source: String) -> String? {
    guard let entries else { return nil }
    let days = (asOf - entries.last) / 86_400_000_000
    guard days > 366 else { return nil }
    return "as_of \(Timestamp.format(asOf)) is \(NumberFormat.grouped(Int(days))) days after the last entry (\(Timestamp.format(entries.last))); check \(source) if that is not intended"
  }

  /// The selected documents of a report, as (file name, text).
  /// The selected documents, in `formats` order; with `threads` > 1 they are rendered at once
  /// (each renderer reads the report only, so the texts are the same either way).
  static func render(_ report: ExperimentReport, selected: [String], threads: Int = 1) -> [(file: String, text: String)] {
    let chosen = formats.filter { selected.contains($0.0) }
    @Sendable func document(_ k: Int) -> String {
      switch chosen[k].0 {
      case "md": return MarkdownReportRenderer.render(report)
      case "html": return HTMLReportRenderer.render(report)
      default: return JSONReportRenderer.render(report, threads: threads)
      }
    }
    guard threads > 1 && chosen.count > 1 else { return chosen.indices.map { (chosen[$0].1, document($0)) } }
    let texts = Locked([String](repeating: "", count: chosen.count))
    // Over a folder of thousands of files the JSON document (every file's account) takes the
    // longest; Markdown and HTML share the other thread.
    DispatchQueue.concurrentPerform(iterations: chosen.count) { k in
      let text = document(k)
      texts.withLock { $0[k] = text }
    }
    let done = texts.withLock { $0 }
    return chosen.indices.map { (chosen[$0].1, done[$0]) }
  }

  static func compare(_ documents: [(file: String, text: String)], in out: String, console: Console) throws -> Int32 {
    var failures = 0
    for document in documents {
      let path = out + "/" + document.file
      guard let committed = try ByteSink.read(path) else {
        console.err("check: \(path) does not exist; run without --check to write it\n")
        failures += 1
        continue
      }
      if let diff = LineDiff.diff(expected: committed, actual: document.text) {
        console.err("check: \(path) differs from the regenerated report (- committed, + regenerated):\n\(diff)\n")
        failures += 1
      }
    }
    if failures > 0 {
      console.err("check failed: regenerate with the same command without --check and commit the result if the change is intended\n")
      return 1
    }
    console.err("check: \(documents.map { out + "/" + $0.file }.joined(separator: ", ")) up to date\n")
    return 0
  }
}
