#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports

/// `holdout report DIR --out OUT`: every experiment file in DIR (in name order) reported into
/// `OUT/<key>/`, and an index of them all in `OUT/index.md` and `OUT/index.html`. With `--check`,
/// compares everything with what OUT holds instead (exit 1 on a difference).
///
/// Only `*.json` files that are plainly not experiment files are skipped (and listed): a JSON
/// value that is not an object, or an object with none of an experiment file's keys, in any
/// letter case. Every other file is decoded; one that fails (invalid JSON, a truncated file,
/// `"Arms"`) is an error: the other journeys are still reported, the index lists it under "Not
/// reported", and the run exits 65, so a weekly job never drops a journey silently.
///
/// The journeys are joined together (`SharedJoin`): a message or event file that several of them
/// read the same way is read once for all of them, and each journey's report is the one it gets
/// alone. Standard error lists each file read for more than one journey.
enum ProgramCommand {
  static func run(
    directory: String, out: String, selected: [String], check: Bool, options: ReportCommand.Options
  ) throws -> Int32 {
    let console = options.console
    var measurers: [Measurer] = []
    var keys: [String] = []
    var failures: [(file: String, message: String)] = []
    for name in try experimentFiles(in: directory, console: console) {
      let measurer: Measurer
      do {
        measurer = try ReportCommand.measurer(path: directory + "/" + name, options: options)
      } catch {
        if let usage = error as? CLIError, case .usage = usage { throw usage }
        let message = (error as? CustomStringConvertible)?.description ?? "\(error)"
        console.err("error: \(VisibleText.escaped(message))\n")
        failures.append((directory + "/" + name, message))
        continue
      }
      let key = measurer.experiment.key
      let folder = CSVField.fileName(key)
      guard !keys.contains(folder) else {
        throw CLIError.data("\(directory)/\(name): experiment key '\(key)' gives the folder '\(folder)', already used by another experiment; keys must differ")
      }
      keys.append(folder)
      measurers.append(measurer)
    }
    let meter = ProgressMeter(console: options.console, enabled: !options.quiet && options.console.isTerminal)
    if meter.enabled {
      for k in measurers.indices { measurers[k].progress = { meter.update($0) } }
    }
    // Each journey's joined inputs are held once, in `pending`, so that they are freed as soon as
    // its report is built.
    var pending: [JoinedInputs?]
    let reads: [SharedJoin.Read]
    do {
      let shared = try SharedJoin(measurers.map(\.joinRequest))
      pending = shared.inputs.map(Optional.some)
      reads = shared.reads
    }
    for read in reads where read.experiments.count > 1 {
      let journeys = read.experiments.map { measurers[$0].experiment.key }.joined(separator: ", ")
      console.err("read \(read.path) once for \(read.experiments.count) journeys: \(journeys)\n")
    }
    var items: [(folder: String, report: ExperimentReport)] = []
    var documents: [(file: String, text: String)] = []
    for (k, measurer) in measurers.enumerated() {
      guard let joined = pending[k] else { continue }
      pending[k] = nil
      let report = try ReportCommand.report(measurer, joined: joined, options: options, meter: meter)
      items.append((keys[k], report))
      documents += ReportCommand.render(report, selected: selected).map { (keys[k] + "/" + $0.file, $0.text) }
    }
    guard !items.isEmpty || !failures.isEmpty else {
      throw CLIError.usage("\(directory) holds no experiment file (*.json with \"arms\")")
    }
    var index = ProgramIndex(items)
    index.failures = failures
    documents.append(("index.md", index.markdown()))
    documents.append(("index.html", index.html()))
    let failed: Int32 = failures.isEmpty ? 0 : 65
    if check { return max(try ReportCommand.compare(documents, in: out, console: console), failed) }
    do {
      for folder in keys { try ByteSink.makeDirectory(out + "/" + folder) }
      for document in documents { try ByteSink.write(document.text, to: out + "/" + document.file) }
    } catch {
      throw CLIError.output("cannot write into \(out): \(error.description)")
    }
    console.err("wrote \(items.count) report\(items.count == 1 ? "" : "s") and \(out)/index.md, \(out)/index.html\n")
    if !failures.isEmpty {
      console.err("error: \(failures.count) experiment \(failures.count == 1 ? "file" : "files") could not be reported (listed under \"Not reported\" in \(out)/index.md)\n")
    }
    return failed
  }

  /// The `*.json` files of `directory` that may be experiment files, sorted by name.
  static func experimentFiles(in directory: String, console: Console) throws -> [String] {
    guard let handle = opendir(directory) else {
      throw CLIError.input(IngestError.reading(directory, errno: errno))
    }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(".json") && !name.hasPrefix(".") { names.append(name) }
    }
    names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    return try names.filter { name in
      let bytes = try ByteSource(path: directory + "/" + name).readAll(what: "an experiment file")
      // Invalid JSON may be a broken experiment file: kept, so its decoding error is reported.
      guard let root = try? JSONNode.parse(bytes, path: name) else { return true }
      guard case .object(let members) = root.value,
        members.contains(where: { ExperimentFileDecoder.topLevelKeys.contains($0.key.lowercased()) })
      else {
        console.err("skipped \(directory)/\(name): not an experiment file (no experiment key such as \"arms\" or \"metrics\")\n")
        return false
      }
      return true
    }
  }
}
