import Ingest
import Simulation

/// `holdout simulate` (usage and options: `CommandHelp.simulate`). `--activity` multiplies session rates and `--sends` adds
/// `*_sent` message events (benchmark sizes); the defaults write the committed fixture.
enum SimulateCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .simulate)
    let sends = args.flag("sends")
    let activityText = args.value("activity")
    let usersText = args.value("users")
    let seedText = args.value("seed")
    let liftText = args.value("lift") ?? "0.15"
    let asOfText = args.value("as-of")
    let out = args.value("out")
    let scenario = args.value("scenario") ?? "winback"
    guard ["winback", "cart-recovery", "whatsapp-winback"].contains(scenario) else {
      throw CLIError.usage("--scenario must be winback, cart-recovery or whatsapp-winback, got '\(scenario)'")
    }
    guard args.positional.isEmpty else { throw CLIError.usage("simulate takes no positional arguments") }
    guard let usersText else { throw CLIError.usage("--users N is required: the number of users, 1 to 50,000,000") }
    guard let users = Int(usersText) else {
      throw CLIError.usage("--users must be a whole number of users, got '\(usersText)'")
    }
    guard users >= 1 else { throw CLIError.usage("--users must be at least 1, got \(users)") }
    guard users <= 50_000_000 else { throw CLIError.usage("--users must be at most 50,000,000, got \(users)") }
    guard let seedText, let seed = UInt64(seedText) else {
      throw CLIError.usage("--seed S is required: a non-negative integer")
    }
    guard let lift = Double(liftText), lift.isFinite, lift > -1, lift <= 10 else {
      throw CLIError.usage("--lift must be a number above -1 (0.15 means +15% orders in sms_email)")
    }
    guard let out else { throw CLIError.usage("--out DIR is required") }
    var asOf: Int64? = nil
    if let asOfText {
      guard let parsed = Timestamp.parse(asOfText) else {
        throw CLIError.usage("--as-of '\(asOfText)' is not a timestamp")
      }
      asOf = parsed
    }
    var simulator = Simulator(users: users, seed: seed, lift: lift, asOf: asOf)
    simulator.sends = sends
    if let activityText {
      guard let activity = Double(activityText), activity > 0, activity <= 1000 else {
        throw CLIError.usage("--activity must be a positive number (session-rate multiplier), got '\(activityText)'")
      }
      simulator.activity = activity
    }
    do {
      if scenario == "whatsapp-winback" {
        try WhatsAppWinbackSimulator(users: users, seed: seed).write(to: out)
        console.err(
          "wrote \(out)/experiment.json, contacts/ (one export per week: \(WhatsAppWinbackSimulator.weeks.joined(separator: ", "))), orders.csv, messages.csv, truth.json; build the cohort with holdout cohort, one run per week\n")
        return 0
      }
      if scenario == "cart-recovery" {
        try CartRecoverySimulator(users: users, seed: seed, asOf: asOf).write(to: out)
        console.err(
          "wrote \(out)/experiment.json, cohort.csv, identities.csv, messages.jsonl.gz, events.json.gz, truth.json\n")
        return 0
      }
      try simulator.write(to: out)
    } catch {
      throw CLIError.output("cannot write the simulated experiment into \(out): \(error.description)")
    }
    console.err("wrote \(out)/experiment.json, cohort.csv, messages.csv, events.csv, truth.json\n")
    return 0
  }
}
