import Experiment
import Ingest
import MeasurementModel
import Warehouse
import WarehouseSQL

/// A small experiment ("tiny": 2 arms, a conversion and a capped revenue metric, one segment,
/// return curves) with a valid aggregates file for it, as a warehouse query would return it,
/// for the reader's and the command line's tests.
public enum TinyAggregates {
  public static let experimentText = """
    {"key": "tiny", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "journey", "weight": 0.5}],
     "as_of": "2026-11-16T00:00:00Z", "exposure": ["sms_delivered"],
     "metrics": [{"name": "converted", "kind": "conversion", "event": "order", "window_days": 7},
                 {"name": "revenue", "kind": "revenue", "event": "order", "window_days": 7, "cap": 100}],
     "segments": ["tier"], "analysis": {"return_events": ["session"], "survival_days": 10}}
    """

  public struct Fixture {
    public let scratch = Scratch()
    public let experimentPath: String
    public let experiment: ExperimentDefinition
    public let digest: String

    /// The tiny experiment, or another experiment file's text.
    public init(text: String = TinyAggregates.experimentText) throws {
      experimentPath = scratch.write("experiment.json", text)
      experiment = try ExperimentFileDecoder.load(path: experimentPath, for: .warehouse)
      digest = try ExperimentDigest.of(path: experimentPath)
    }

    /// A valid file: 10 users per arm; holdout 2 converters, journey 4; revenue sums.
    public func rows() -> [[String]] {
      func row(_ section: String, arm: String = "", metric: String = "", segment: String = "", value: String = "", _ numbers: [String: String] = [:]) -> [String] {
        [section, arm, metric, segment, value] + AggregateColumns.names.dropFirst(5).map { numbers[$0] ?? "" }
      }
      func sums(_ n: Int, _ s: Int64, _ ss: Int64, exposed: Bool) -> [String: String] {
        var out = ["n": "\(n)", "sum": "\(s)", "sum_squares": "\(ss)", "pre_sum": "0", "pre_sum_squares": "0", "sum_products": "0", "open": "0", "spend": exposed ? "75000" : "0"]
        for key in ["n", "sum", "sum_squares", "pre_sum", "pre_sum_squares", "sum_products"] { out["exposed_" + key] = exposed ? out[key] : "0" }
        return out
      }
      let entry = ["first_entry": "1793000000000000", "last_entry": "1794000000000000"]
      var rows = [
        row("meta", metric: "version", value: AggregateQuery.formatVersion), row("meta", metric: "experiment", value: "tiny"),
        row("meta", metric: "digest", value: digest), row("meta", metric: "dialect", value: "duckdb"),
        row("meta", metric: "as_of", value: "1794787200000000"),
        row("users", arm: "holdout", ["n": "10", "exposed_n": "0"].merging(entry) { a, _ in a }),
        row("users", arm: "journey", ["n": "10", "exposed_n": "10"].merging(entry) { a, _ in a }),
        row("metric", arm: "holdout", metric: "converted", sums(10, 2_000_000, 2_000_000_000_000, exposed: false)),
        row("metric", arm: "journey", metric: "converted", sums(10, 4_000_000, 4_000_000_000_000, exposed: true)),
        // Revenue: holdout 2 orders of 10.00; journey 4 orders of 20.00.
        row("metric", arm: "holdout", metric: "revenue", sums(10, 20_000_000, 200_000_000_000_000, exposed: false)),
        row("metric", arm: "journey", metric: "revenue", sums(10, 80_000_000, 1_600_000_000_000_000, exposed: true)),
        row("cap", metric: "revenue", value: "100000000"),
        row("segment_value", segment: "tier", value: "gold"), row("segment_value", segment: "tier", value: "silver"),
        row("segment_users", arm: "holdout", segment: "tier", value: "gold", ["n": "10"]),
        row("segment_users", arm: "journey", segment: "tier", value: "silver", ["n": "10"]),
        row("channel", arm: "journey", value: "sms", ["n": "10"]),
        row("survival", arm: "holdout", metric: "event", value: "86400000000", ["n": "3"]),
        row("survival", arm: "holdout", metric: "censored", value: "864000000000", ["n": "7"]),
        row("survival", arm: "journey", metric: "event", value: "43200000000", ["n": "6"]),
        row("survival", arm: "journey", metric: "censored", value: "864000000000", ["n": "4"]),
        row("rows", segment: "cohort", value: "used", ["n": "20"]), row("rows", segment: "cohort", value: "empty_user_id", ["n": "1"]),
        row("rows", segment: "events", value: "used", ["n": "40"]), row("rows", segment: "messages", value: "used", ["n": "10"]),
      ]
      for finding in AggregateColumns.findings { rows.append(row("finding", value: finding, ["n": "0"])) }
      return rows
    }

    public func write(_ rows: [[String]], header: [String] = AggregateColumns.names) -> String {
      let text = ([header] + rows).map { $0.map { CSVField.quoted($0) }.joined(separator: ",") }.joined(separator: "\n") + "\n"
      return scratch.write("aggregates.csv", text)
    }

    public func read(_ rows: [[String]]) throws -> Measurement {
      try AggregateReader(experiment: experiment, digest: digest).read(path: write(rows))
    }
  }
}
