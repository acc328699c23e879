/// The columns of the aggregates a warehouse query returns and `report --aggregates` reads
/// (docs/warehouse.md#what-the-query-computes), every value as text.
///
/// One row per `section` and key (`arm`, `metric`, `segment`, `value`); the numeric columns a
/// section does not use are empty. Sums are exact integers in micro-units (a conversion is
/// 10⁶, revenue of 1.50 is 1500000; squares in micro-units squared), times are microseconds
/// since the epoch or since entry.
///
/// | section | key | numbers |
/// | --- | --- | --- |
/// | `meta` | `metric` ∈ version, experiment, digest, dialect, as_of; `value` | – |
/// | `users` | `arm` | `n` analysed users, `exposed_n` reached, `first_entry`, `last_entry` |
/// | `metric` | `arm`, `metric` | `n`…`sum_products` over measured users, `exposed_*` over those reached, `open` not yet mature, `spend` |
/// | `cap` | `metric` | `value`: the applied cap |
/// | `segment_value` | `segment` (column), `value` | – (every value of a kept cohort row) |
/// | `segment_users` | `arm`, `segment`, `value` | `n` |
/// | `segment_metric` | `arm`, `metric`, `segment`, `value` | `n`…`sum_products` |
/// | `channel` | `arm`, `value` (first channel) | `n` users |
/// | `survival` | `arm`, `metric` (event or censored), `value` (days since entry in µs) | `n` users |
/// | `rows` | `segment` (cohort, messages, events), `value` (a fate, or the reason of rejected rows) | `n` rows |
/// | `finding` | `value` (name) | `n` |
public enum AggregateColumns {
  /// The header, in order.
  public static let names = [
    "section", "arm", "metric", "segment", "value",
    "n", "sum", "sum_squares", "pre_sum", "pre_sum_squares", "sum_products",
    "exposed_n", "exposed_sum", "exposed_sum_squares", "exposed_pre_sum", "exposed_pre_sum_squares",
    "exposed_sum_products", "open", "spend", "first_entry", "last_entry",
  ]

  /// The index of the first numeric column (`n`).
  package static let firstNumber = 5

  /// The data-quality counts of the `finding` section, as in report.json's data section.
  public static let findings = [
    "exposures_before_entry", "exposures_after_entry", "revenue_rows_without_value", "times_before_floor",
    "times_far_after_as_of", "conflicting_duplicates", "users_in_several_arms", "entries_before_since",
  ]
}
