/// The interface of every command: what `holdout COMMAND --help` prints and what `Arguments`
/// accepts.
extension CommandHelp {
  /// Every command, in the order `holdout help` lists them.
  static let all: [CommandHelp] = [cohort, assign, report, validate, sql, serve, simulate, stats, plan, inspect]

  /// The command named `name`.
  static func named(_ name: String) -> CommandHelp? { all.first { $0.name == name } }

  static let threads = Option.value(
    "threads", "N", "Parse with N threads, 1 to 256 (default: all cores). The report is byte-identical for any N.")
  static let quiet = Option.flag("quiet", "No progress line (progress shows only when standard error is a terminal).")
  static let asOf = Option.value(
    "as-of", "T",
    "Measure as of T (e.g. 2026-11-16 or 2026-11-16T00:00:00Z) instead of the experiment file's as_of; events at or after T are ignored.")

  static let report = CommandHelp(
    name: "report",
    usage: [
      "report EXPERIMENT [--as-of T] [--out DIR] [--format md,json,html] [--check] [--strict] [--threads N] [--quiet] [--weekly]",
      "report EXPERIMENT --aggregates FILE [--out DIR] [--format …] [--check]",
      "report DIR --out OUT [same options]",
    ],
    summary:
      "Measure the experiment described by the EXPERIMENT file (JSON; see docs/experiment-file.md) and write report.md, report.json and report.html into DIR, or one document (Markdown unless --format says otherwise) to standard output without --out. Given a directory of experiment files, report each into OUT/<key>/ and write OUT/index.md and OUT/index.html (status, primary lift, incremental totals, program total); a message or event file several journeys read the same way is read once for all of them.",
    options: [
      asOf,
      .value("out", "DIR", "Write the report files into DIR (created if missing). Without it, one document goes to standard output (--format, default md)."),
      .value("format", "LIST", "Which documents to write: md, json, html or a comma-separated list (default md,json,html). Without --out, one of them goes to standard output (default md)."),
      .flag("check", "Compare with the files already in --out DIR instead of writing; exit 1 with a line diff when they differ (for CI)."),
      .flag("strict", "Stop at the first rejected row (exit 65, file:line) instead of counting and skipping it."),
      threads, quiet,
      .flag("weekly", "Add a history: one row per week since the first entry (users, lift and interval as of that week, what changed)."),
      .value("aggregates", "FILE", "Render the report from the CSV a warehouse query returned (holdout sql) instead of reading the input files; the file must come from this experiment file's query (its digest is checked)."),
    ],
    examples: [
      ("the shipped fixture, all three documents", "holdout report fixtures/winback/experiment.json --out reports/winback"),
      ("Markdown to the terminal, as of an earlier day", "holdout report fixtures/winback/experiment.json --as-of 2026-11-01"),
      ("CI: fail when the committed report is out of date", "holdout report fixtures/winback/experiment.json --out reports/winback --check"),
    ])

  static let serve = CommandHelp(
    name: "serve",
    usage: ["serve --data DIR [--listen HOST:PORT] [--secrets FILE] [--reports DIR] [--tolerance S] [--max-body BYTES] [--max-connections N] [--request-timeout S] [--idle-timeout S] [--hour-grace S] [--no-fsync]"],
    summary:
      "Run the exposure collector: an HTTP/1.1 server that receives the platforms' webhooks (POST /v1/customerio, /v1/klaviyo, /v1/iterable, /v1/braze, /v1/events/<name>), checks each as the platform signs it, and writes every accepted event, verbatim with its receipt time, into hourly files DIR/<endpoint>/date=YYYY-MM-DD-HH/*.jsonl that the report's folder sources read. A 2xx is sent only after the events are on disk (fsync, shared by concurrent requests). GET /healthz answers 200 once requests are accepted; GET /metrics gives Prometheus text. Runs until SIGTERM or SIGINT, then finishes in-flight requests, closes the files and exits 0. Secrets are never logged. See docs/collector.md.",
    options: [
      .value("data", "DIR", "The folder the events are written into (required; created if missing). A file left open by a killed run is repaired at start: a torn last line is moved to DIR/<endpoint>/_torn/ and counted."),
      .value("listen", "HOST:PORT", "The numeric address to listen on (default 127.0.0.1:8787; [::1]:PORT for IPv6). An address other than loopback is refused unless every enabled endpoint has a secret; terminate TLS in a reverse proxy."),
      .value("secrets", "FILE", "A JSON object of endpoint name → secret: customerio and klaviyo signing secrets, iterable, braze, events (every /v1/events/<name>) or events/<name> tokens; null enables an endpoint without a credential (loopback only). HOLDOUT_SECRET_CUSTOMERIO, _KLAVIYO, _ITERABLE, _BRAZE and _EVENTS override it. An endpoint with no secret anywhere is disabled (404)."),
      .value("reports", "DIR", "Also answer GET /reports/… with the files of this folder, read-only (no path outside it, no symlink out of it)."),
      .value("tolerance", "S", "How far a signed request's timestamp (X-CIO-Timestamp, Klaviyo-Timestamp) may be from this server's clock, in seconds (default 300); older requests are refused as replays."),
      .value("max-body", "BYTES", "The largest request body accepted (default 10485760); larger ones get 413, which makes Braze send smaller batches."),
      .value("max-connections", "N", "Connections served at once (default 512); one more is answered 503."),
      .value("request-timeout", "S", "Seconds from a request's first byte to its last (default 30); a slower client gets 408 and is closed."),
      .value("idle-timeout", "S", "Seconds a kept-alive connection may wait for its next request (default 15)."),
      .value("hour-grace", "S", "Seconds after an hour ends before its file is closed and visible to reports (default 120)."),
      .flag("no-fsync", "Answer without waiting for the disk (benchmarks only: a crash can lose acknowledged events)."),
    ],
    examples: [
      ("Customer.io and Braze on loopback, behind a TLS proxy", "holdout serve --data /var/lib/holdout/events --secrets /etc/holdout/secrets.json"),
      ("the weekly report's folder source reads what it wrote", "holdout report journeys/cart-recovery.json --out reports/cart-recovery"),
    ])

  static let cohort = CommandHelp(
    name: "cohort",
    usage: ["cohort EXPERIMENT --as-of T [--out FILE] [--contacts FILE] [--format text|json] [--strict] [--backfill]"],
    summary:
      "Build or extend the experiment's cohort as of day T from its entry rule (the experiment file's \"entry\" object: a contact export or the behaviour events, inactivity segments such as 60, 90 and 180 days, consent). Each lapsed user not yet in the cohort enters with the experiment's hash arm (as holdout assign gives it) and a segment; run weekly on the same file, it appends only new entrants and never changes earlier rows. Runs on the same file take turns (a lock on FILE.lock beside it), so none loses another's rows. A summary on standard error counts the entrants per segment and arm and every exclusion (no consent, unsubscribed, never purchased, purchased recently, already in the cohort, unreadable rows).",
    options: [
      .value("as-of", "T", "The day the cohort is built (required), e.g. 2026-10-05: a date or zone-less time is local to entry.timezone; inactivity is counted in whole local days up to it."),
      .value("out", "FILE", "The cohort file to create or extend (default: the experiment file's inputs.cohort)."),
      .value("contacts", "FILE", "Read this contact export instead of entry.contacts.path (this week's export)."),
      .value("format", "text|json", "text (default) writes the summary to standard error; json writes it to standard output."),
      .flag("strict", "Stop at the first unreadable contact or unparsable last-purchase date (exit 65, file:line)."),
      .flag("backfill", "Allow T earlier than the latest entry already in the cohort (refused otherwise: the file would list earlier entries after later ones)."),
    ],
    examples: [
      ("this week's entrants from the fixture's contact export", "holdout cohort fixtures/whatsapp-winback/experiment.json --as-of 2026-10-05 --out /tmp/cohort.csv"),
      ("next week: the same file grows by the newly lapsed", "holdout cohort fixtures/whatsapp-winback/experiment.json --as-of 2026-10-12 --out /tmp/cohort.csv"),
    ])

  static let validate = CommandHelp(
    name: "validate",
    usage: ["validate EXPERIMENT [--as-of T] [--format md|json] [--threads N] [--quiet]"],
    summary:
      "Run the journey's data-quality checks: users in every arm, sample ratio (SRM), holdout contamination, reach, messages before entry, recorded split, users in several arms, platform holdout markers, identity collisions, duplicates, unreadable rows, implausible dates and pre-period balance. Prints each with what was measured and its threshold (the experiment file's \"validation\" object); exits 1 when any fails, 0 when all pass or do not apply.",
    options: [asOf, .value("format", "md|json", "Output format (default md)."), threads, quiet],
    examples: [
      ("before trusting a report", "holdout validate fixtures/winback/experiment.json"),
      ("machine-readable, for a pipeline", "holdout validate fixtures/winback/experiment.json --format json"),
    ])

  static let assign = CommandHelp(
    name: "assign",
    usage: [
      "assign EXPERIMENT --id ID",
      "assign EXPERIMENT --users FILE [--out FILE | --split DIR [--for PLATFORM]]",
      "assign EXPERIMENT --benchmark N",
    ],
    summary:
      "Assign users to arms with the experiment's GrowthBook-compatible hash (key, salt, arms, coverage, hash version). --id prints one user's arm; --users reads a CSV with a user_id column (or a single column) and writes user_id,arm,bucket for every id, to standard output, to a file, or one file per arm. Cells are written so a spreadsheet cannot execute them; each distinct id is written once.",
    options: [
      .value("id", "ID", "Print the arm of this one user id."),
      .value("users", "FILE", "The ids to assign: a CSV with a user_id column, or one column; - is standard input."),
      .value("out", "FILE", "Write the assignment (user_id,arm,bucket) to FILE instead of standard output."),
      .value("split", "DIR", "Write one <arm>.csv per arm (and excluded.csv) into DIR, all or none: the holdout list is the one the sender must suppress."),
      .value("for", "PLATFORM", "With --split: write each arm's list in the form a platform imports: customerio (id), braze (external_id), klaviyo (Email Address, Phone Number), iterable (userId[, email]), sendapp (E.164 phone). The arm goes in a holdout_<key> attribute, the entry time (when the users file has entered_at) in holdout_<key>_at; email and phone come from the users file's email and phone columns. Users the platform cannot identify are counted, not listed. See docs/platform-lists.md."),
      .value("benchmark", "N", "Hash N generated ids on one core and print ids per second (for bench/)."),
    ],
    examples: [
      ("which arm is this user in?", "holdout assign fixtures/winback/experiment.json --id cus_cijsmok7"),
      ("one list per arm, for the messaging platform", "holdout assign fixtures/winback/experiment.json --users audience.csv --split lists/"),
      ("this week's cohort as SendApp contact lists", "holdout assign fixtures/whatsapp-winback/experiment.json --users fixtures/whatsapp-winback/cohort.csv --split lists/ --for sendapp"),
    ])

  static let simulate = CommandHelp(
    name: "simulate",
    usage: ["simulate --users N --seed S [--lift L] [--as-of T] [--scenario winback|cart-recovery|whatsapp-winback] [--activity A] [--sends] --out DIR"],
    summary:
      "Write a synthetic experiment with planted effects into DIR: winback (Holdout CSV files; --lift 0 gives an A/A test) or cart-recovery (Customer.io webhooks and an Amplitude export, gzipped, with planted traps). The same N and S always give the same files; truth.json holds the planted effects.",
    options: [
      .value("users", "N", "Number of users, 1 to 50,000,000 (required)."),
      .value("seed", "S", "Random seed, a non-negative integer (required)."),
      .value("lift", "L", "Planted relative lift in orders of sms_email (default 0.15 = +15%; 0 = an A/A test); above -1, at most 10."),
      .value("as-of", "T", "The simulated experiment's as_of (default 2026-11-16)."),
      .value("scenario", "NAME", "winback (default), cart-recovery, or whatsapp-winback (weekly contact exports, orders and WhatsApp sends; the cohort is built by holdout cohort)."),
      .value("activity", "A", "Multiply session rates by A (benchmark sizes)."),
      .flag("sends", "Add *_sent message events (benchmark sizes)."),
      .value("out", "DIR", "Directory to write (required)."),
    ],
    examples: [
      ("the committed winback fixture", "holdout simulate --users 16000 --seed 7 --out fixtures/winback"),
      ("an A/A test", "holdout simulate --users 20000 --seed 1 --lift 0 --out /tmp/aa"),
    ])

  static let sql = CommandHelp(
    name: "sql",
    usage: ["sql EXPERIMENT [--dialect duckdb|postgres|spark|clickhouse|bigquery|snowflake] [--as-of T] [--weekly] [--out FILE]"],
    summary:
      "Print the SQL script that computes every aggregate of the report inside a warehouse, from the tables named by the experiment file's warehouse object (defaults: cohort, messages, events with Holdout's column names). Run it with the engine's own client, save the result as CSV with a header, and render the report with holdout report EXPERIMENT --aggregates FILE. The same rules as the file path; see docs/warehouse.md.",
    options: [
      .value("dialect", "D", "The SQL dialect (default: warehouse.dialect in the experiment file)."),
      .value("as-of", "T", "The analysis cutoff (default: the experiment file's as_of)."),
      .flag("weekly", "Add the weekly history's statistics (users and every metric's sums at each weekly cutoff since the first entry), for report --aggregates --weekly."),
      .value("out", "FILE", "Write the script to FILE (atomically) instead of standard output."),
    ],
    examples: [
      ("DuckDB, with the result as CSV", "holdout sql experiment.json --dialect duckdb > aggregates.sql"),
      ("then", "duckdb warehouse.db -csv < aggregates.sql > aggregates.csv && holdout report experiment.json --aggregates aggregates.csv --out report"),
    ])

  static let stats = CommandHelp(
    name: "stats",
    usage: ["stats FILE.csv --control ARM [--format md|json] [--alpha A] [--sequential] [--tuning N] [--correction holm|benjamini_hochberg|none]"],
    summary:
      "Compare arms from per-arm sufficient statistics, the form a warehouse query returns. Header: metric,kind,arm,n,sum,sum_squares[,pre_sum,pre_sum_squares,sum_product]; kind is conversion (sum = converters) or mean; the pre-period columns enable CUPED. A bad row stops with file:line (exit 65).",
    options: [
      .value("control", "ARM", "The holdout (control) arm's name in the file (required)."),
      .value("format", "md|json", "Output format (default md)."),
      .value("alpha", "A", "Two-sided significance level, between 0 and 0.5 (default 0.05)."),
      .flag("sequential", "Always-valid intervals (GrowthBook's confidence sequence), safe to read every week."),
      .value("tuning", "N", "The confidence sequence's tuning N*, in users (default 5,000)."),
      .value("correction", "METHOD", "Multiple-testing correction: holm, benjamini_hochberg or none (default none)."),
    ],
    examples: [("sums from a warehouse query", "holdout stats sums.csv --control holdout --sequential")])

  static let plan = CommandHelp(
    name: "plan",
    usage: [
      "plan --baseline P --mde R --holdout H [--arms K] [--alpha A] [--power B] [--sequential] [--tuning N]",
      "plan --mean M --sd S --mde R --holdout H [...]",
      "plan (--baseline P | --mean M --sd S) --users N --holdout H [...]",
    ],
    summary:
      "Power planning: the users needed to detect a relative effect R with an H holdout, or (with --users) the smallest effect N users can detect. A conversion metric takes --baseline; a continuous one --mean and --sd.",
    options: [
      .value("baseline", "P", "Baseline conversion rate, strictly between 0 and 1 (e.g. 0.04)."),
      .value("mean", "M", "Baseline mean per user (continuous metric)."),
      .value("sd", "S", "Standard deviation per user (continuous metric)."),
      .value("mde", "R", "Relative effect to detect (0.10 = +10%)."),
      .value("users", "N", "Users available: print the detectable effect instead."),
      .value("holdout", "H", "Holdout share, strictly between 0 and 1 (default 0.1)."),
      .value("arms", "K", "Arms including the holdout, 2 to 100 (default 2); treatment arms share the rest equally."),
      .value("alpha", "A", "Two-sided significance level (default 0.05)."),
      .value("power", "B", "Power, between 0.5 and 1 (default 0.8)."),
      .flag("sequential", "Plan for always-valid intervals, so the numbers hold when the report is read every week."),
      .value("tuning", "N", "The confidence sequence's tuning N*, in users (default 5,000)."),
    ],
    examples: [
      ("users for +10% on a 4% conversion rate with a 10% holdout", "holdout plan --baseline 0.04 --mde 0.10 --holdout 0.1"),
      ("what 50,000 users can detect, read weekly", "holdout plan --baseline 0.04 --users 50000 --holdout 0.1 --sequential"),
    ])

  static let inspect = CommandHelp(
    name: "inspect",
    usage: [
      "inspect PATH [--format F] [--rows N] [--identities FILE [--unit COLUMN]] [--role messages|events] [--event NAME] [--timezone TZ] [--summary]",
      "inspect --experiment EXPERIMENT [--rows N] [--summary]",
    ],
    summary:
      "Show how Holdout reads an export: its format (guessed from the first record unless given), the field mapping, and the first N records as parsed (user, event, UTC time, value, channel, holdout marker) or why each is not used. Formats: holdout, csv, jsonl, customerio, customerio_csv, braze, iterable, iterable_csv, klaviyo, amplitude, mixpanel, segment. PATH is a file (gzip, Avro or text), a folder (read recursively), a pattern (*, ?, **, [a-z]) or a zip archive; for many files it also lists them by kind and by key=value folder, and what was not read. - is standard input (give --format).",
    options: [
      .value("experiment", "EXPERIMENT", "Inspect every message and event source of this experiment file, with its mapping."),
      .value("format", "F", "The file's format instead of guessing it."),
      .value("rows", "N", "How many records to show (default 10)."),
      .value("identities", "FILE", "An identities CSV to resolve aliases (device ids, emails) to users."),
      .value("unit", "COLUMN", "The identities file's unit column (default: its first column)."),
      .value("role", "ROLE", "messages or events (default events)."),
      .value("event", "NAME", "The event name of a one-event CSV export."),
      .value("timezone", "TZ", "Time zone of local timestamps: UTC, an offset such as +05:30, or an IANA name."),
      .flag("summary", "Also count every record of the whole file by outcome."),
    ],
    examples: [
      ("what is in this export?", "holdout inspect export.jsonl.gz"),
      ("a Braze Currents bucket copied as it is", "holdout inspect currents/ --summary"),
      ("how the experiment's sources are read", "holdout inspect --experiment fixtures/cart-recovery/experiment.json --summary"),
    ])
}
