import Assignment
import Enrollment
import Experiment
import Ingest
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import TextOutput

/// `holdout assign` (usage and options: `CommandHelp.assign`).
///
/// Needs only the experiment's key, salt, arms, coverage and hash version. Exported lists are
/// CSV `user_id,arm,bucket` with the bucket (the hash value) to 4 decimals for v2 and 3 for v1 —
/// exactly its precision. Ids are written so spreadsheets cannot execute them (see `CSVField`).
enum AssignCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .assign)
    let id = args.value("id")
    let usersPath = args.value("users")
    let outPath = args.value("out")
    let splitDir = args.value("split")
    let benchmark = args.value("benchmark")
    let platformName = args.value("for")
    guard args.positional.count == 1 else {
      throw CLIError.usage("assign needs exactly one experiment file")
    }
    if let benchmark {
      guard id == nil, usersPath == nil, outPath == nil, splitDir == nil else {
        throw CLIError.usage("--benchmark runs alone: drop --id, --users, --out and --split")
      }
      guard let count = Int(benchmark), count > 0, count <= 1_000_000_000 else {
        throw CLIError.usage("--benchmark needs a number of ids from 1 to 1,000,000,000")
      }
      let experiment = try ExperimentFileDecoder.load(path: args.positional[0], for: .assignment)
      console.err(HashBenchmark.run(splitter: experiment.splitter, ids: count) + "\n")
      return 0
    }
    guard (id == nil) != (usersPath == nil) else {
      throw CLIError.usage("assign needs either --id ID or --users FILE")
    }
    if outPath != nil && splitDir != nil { throw CLIError.usage("give --out or --split, not both") }
    var platform: PlatformList? = nil
    if let platformName {
      guard let value = PlatformList(rawValue: platformName) else {
        throw CLIError.usage("unknown platform '\(platformName)' for --for; use one of \(PlatformList.names)")
      }
      guard splitDir != nil else { throw CLIError.usage("--for PLATFORM writes one list per arm: give --split DIR") }
      platform = value
    }
    if id != nil && (outPath != nil || splitDir != nil) {
      throw CLIError.usage("--out and --split go with --users, not --id")
    }
    let experiment = try ExperimentFileDecoder.load(path: args.positional[0], for: .assignment)
    let splitter = experiment.splitter
    let decimals = experiment.bucketDecimals
    func armName(_ index: Int?) -> String { index.map { experiment.arms[$0].name } ?? "excluded" }

    if let id {
      let assignment = splitter.assign(id)
      console.out("\(armName(assignment.arm))\n")
      return 0
    }
    guard let usersPath else { return 64 }
    var reader = try CSVReader(path: usersPath)
    let header = try reader.readHeader()
    let column: Int
    if let index = reader.column("user_id") {
      column = index
    } else if header.count == 1 {
      column = 0
    } else {
      throw IngestError.missingColumn(path: usersPath, column: "user_id", header: header)
    }

    let names = experiment.arms.map(\.name) + ["excluded"]
    let extra = (email: reader.column("email"), phone: reader.column("phone"), entered: reader.column("entered_at"))
    var lines = [[String]](repeating: [], count: names.count)
    var order: [(arm: Int, line: String)] = []
    var seen = ByteKeyTable(capacity: 1 << 12)
    var counts = [Int](repeating: 0, count: names.count)
    var skips = [Int](repeating: 0, count: PlatformList.Skip.allCases.count)
    var skipped = 0
    var duplicates = 0
    try reader.forEachRecord { (row: borrowing CSVRow) throws(IngestError) in
      guard column < row.count, !row.isEmpty(column), !row.isMalformed,
        let id = row.string(column)
      else {
        skipped += 1
        return
      }
      guard seen.intern(row.field(column)).inserted else {
        duplicates += 1
        return
      }
      let assignment = splitter.assign(bytes: row.field(column))
      let arm = assignment.arm ?? names.count - 1
      if let platform {
        var cells: [String?] = []
        for index in [extra.email, extra.phone] {
          if let index, index < row.count, !row.isEmpty(index) { cells.append(row.string(index)) } else { cells.append(nil) }
        }
        var entered: Int64? = nil
        if let index = extra.entered, index < row.count { entered = Timestamp.parse(row.field(index)) }
        let contact = PlatformList.Contact(id: id, email: cells[0], phone: cells[1], enteredAt: entered)
        switch platform.row(contact, arm: names[arm], withEntryTime: extra.entered != nil, hasEmail: extra.email != nil) {
        case .success(let line): lines[arm].append(line)
        case .failure(let reason):
          skips[PlatformList.Skip.allCases.firstIndex(of: reason.skip)!] += 1
          return
        }
        counts[arm] += 1
        return
      }
      counts[arm] += 1
      let line = "\(CSVField.escape(id)),\(CSVField.escape(names[arm])),\(NumberFormat.fixed(assignment.bucket, decimals))\n"
      if splitDir != nil { lines[arm].append(line) } else { order.append((arm, line)) }
    }

    let outputHeader =
      platform?.header(experiment: experiment.key, withEntryTime: extra.entered != nil, hasEmail: extra.email != nil)
      ?? "user_id,arm,bucket\n"
    if splitDir != nil {
      let files = names.map { CSVField.fileName($0).lowercased() }
      if let clash = files.indices.first(where: { i in files[..<i].contains(files[i]) }) {
        throw CLIError.usage(
          "--split would write two arms to the same file '\(files[clash]).csv' (arm names differ only in characters a file name cannot keep, or in case); rename an arm or use --out")
      }
    }
    do {
      if let splitDir {
        let files = names.enumerated().map { arm, name in
          (name: CSVField.fileName(name) + ".csv", text: outputHeader + lines[arm].joined())
        }
        try ByteSink.writeSet(files, into: splitDir)
      } else if let outPath {
        try ByteSink.write(outputHeader + order.map(\.line).joined(), to: outPath)
      } else {
        console.out(outputHeader + order.map(\.line).joined())
      }
    } catch {
      throw CLIError.output("cannot write the assignment: \(error.description)")
    }
    let summary = names.enumerated().map { "\($1) \(NumberFormat.grouped(counts[$0]))" }.joined(separator: ", ")
    var message = "assigned \(NumberFormat.grouped(counts.reduce(0, +))) users: \(summary)"
    if duplicates > 0 { message += "; \(NumberFormat.grouped(duplicates)) duplicate ids written once" }
    if skipped > 0 { message += "; \(NumberFormat.grouped(skipped)) rows skipped (empty, malformed or invalid UTF-8 id)" }
    for (k, skip) in PlatformList.Skip.allCases.enumerated() where skips[k] > 0 {
      message += "; \(NumberFormat.grouped(skips[k])) not listed for \(platformName ?? ""): \(skip.rawValue)"
    }
    if let platform, let splitDir {
      let control = experiment.arms[experiment.controlIndex].name
      message += "\nwrote \(platform.rawValue) lists into \(splitDir): \(CSVField.fileName(control)).csv is the holdout, to be suppressed from every send of the journey"
    }
    console.err(message + "\n")
    return 0
  }
}
