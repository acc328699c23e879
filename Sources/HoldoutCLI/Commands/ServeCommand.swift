#if canImport(Glibc)
  import Glibc
#endif
import Collector
import HTTPServer

/// `holdout serve` (usage and options: `CommandHelp.serve`): the exposure collector. Receives
/// the platforms' webhooks, checks each as the platform signs it, writes the accepted events
/// durably into hourly files under `--data`, and answers 2xx only after the fsync. Runs until
/// SIGTERM or SIGINT, then drains: no new connection, in-flight requests answered, files closed.
enum ServeCommand {
  static func run(_ arguments: [String], console: Console) throws -> Int32 {
    var args = try Arguments(arguments, command: .serve)
    guard args.positional.isEmpty else { throw CLIError.usage("serve takes no positional arguments, got '\(args.positional[0])'") }
    guard let data = args.value("data") else { throw CLIError.usage("serve needs --data DIR, the folder the events are written into") }
    let listenText = args.value("listen") ?? ListenAddress.loopbackDefault.description
    let secretsFile = args.value("secrets")
    let reports = args.value("reports")
    let tolerance = try number(args.value("tolerance"), name: "tolerance", default: 300, range: 1...86_400)
    let maxBody = try number(args.value("max-body"), name: "max-body", default: 10 << 20, range: 1024...(1 << 30))
    let maxConnections = try number(args.value("max-connections"), name: "max-connections", default: 512, range: 1...65_536)
    let requestTimeout = try number(args.value("request-timeout"), name: "request-timeout", default: 30, range: 1...3600)
    let idleTimeout = try number(args.value("idle-timeout"), name: "idle-timeout", default: 15, range: 1...3600)
    let hourGrace = try number(args.value("hour-grace"), name: "hour-grace", default: 120, range: 0...86_400)
    let noSync = args.flag("no-fsync")
    try args.rejectUnused(in: "serve")

    let address: ListenAddress
    switch ListenAddress.parse(listenText) {
    case .success(let parsed): address = parsed
    case .failure(let error): throw CLIError.usage(error.description)
    }
    do {
      let credentials = try Credentials.load(file: secretsFile, environment: environment())
      guard !credentials.isEmpty else {
        throw CollectorError.configuration("no endpoint is enabled: give --secrets FILE (a JSON object such as {\"customerio\": \"<signing secret>\"}) or HOLDOUT_SECRET_<ENDPOINT> variables")
      }
      try credentials.checkListen(loopback: address.isLoopback, address: address.description)
      if let reports { try CollectorHandler.checkReportsFolder(reports) }
      if credentials.warnIfReadableByOthers, let secretsFile {
        console.err("warning: \(secretsFile) can be read by other users; chmod 600 it\n")
      }
      let metrics = CollectorMetrics()
      let store = try EventStore(
        data: data, options: EventStore.Options(syncs: !noSync, closeGrace: Int64(hourGrace) * 1_000_000, onFsync: metrics.fsyncObserver))
      console.err("holdout serve: \(store.recovery.description)\n")
      let handler = try CollectorHandler(
        credentials: credentials, store: store, metrics: metrics, reportsFolder: reports, toleranceSeconds: Int64(tolerance),
        log: { console.err("holdout serve: \($0)\n") })
      let options = ServerOptions(
        limits: HTTPLimits(maxBodyBytes: maxBody), maxConnections: maxConnections, requestSeconds: Double(requestTimeout),
        idleSeconds: Double(idleTimeout))
      let server = HTTPServer(address: address, options: options, handler: handler)
      // Signals are taken by sigwait on this thread: block them before any thread starts, so
      // every thread inherits the mask. A peer's reset must not kill the process.
      var signals = sigset_t()
      sigemptyset(&signals)
      sigaddset(&signals, SIGTERM)
      sigaddset(&signals, SIGINT)
      pthread_sigmask(SIG_BLOCK, &signals, nil)
      signal(SIGPIPE, SIG_IGN)
      metrics.openConnections = { server.openConnections }
      do { try server.start() } catch { throw CollectorError.configuration(error.description) }
      if noSync { console.err("warning: --no-fsync: a 2xx no longer means the events are on disk (benchmarks only)\n") }
      console.err("holdout serve: listening on \(address.host.contains(":") ? "[\(address.host)]" : address.host):\(server.boundPort); data in \(data); endpoints: \(credentials.summary.joined(separator: ", "))\n")

      let ticker = HourCloser(store: store, log: { console.err("holdout serve: \($0)\n") })
      ticker.start()
      var received: Int32 = 0
      sigwait(&signals, &received)
      console.err("holdout serve: \(received == SIGTERM ? "SIGTERM" : "SIGINT"): draining\n")
      server.stop()
      let drained = server.waitUntilDrained()
      ticker.stop()
      try store.close()
      console.err("holdout serve: \(drained ? "every connection closed" : "stopped with connections still open after the drain time"); files closed; exiting\n")
      return 0
    } catch let error as CollectorError {
      console.err("error: \(error.description)\n")
      return error.exitCode
    }
  }

  private static func number(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
    guard let text else { return value }
    guard let parsed = Int(text), range.contains(parsed) else {
      throw CLIError.usage("--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
    }
    return parsed
  }

  /// The process environment (only the HOLDOUT_SECRET_ variables are read from it).
  private static func environment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if text.hasPrefix("HOLDOUT_SECRET_"), let equals = text.firstIndex(of: "=") {
        result[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      pointer += 1
    }
    return result
  }
}
