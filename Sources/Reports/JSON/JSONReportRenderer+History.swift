import Ingest
import TextOutput

extension JSONReportRenderer {
  /// The weekly history (only with `--weekly`).
  static func history(_ history: WeeklyHistory) -> JSONValue {
    .array(history.rows.map { row in
      .object([
        ("as_of", .string(Timestamp.format(row.asOf))), ("users", .int(row.users)),
        ("comparisons", .array(row.lifts.map { lift in
          .object([
            ("metric", .string(lift.metric)), ("arm", .string(lift.arm)), ("control", .string(lift.control)),
            ("relative", lift.relative.map { effect in
              JSONValue.object([
                ("estimate", .number(effect.estimate)), ("ci_low", .number(effect.lower)), ("ci_high", .number(effect.upper)),
              ])
            } ?? .null),
            ("reading", .string(lift.reading.rawValue)),
          ])
        })),
      ])
    })
  }
}
