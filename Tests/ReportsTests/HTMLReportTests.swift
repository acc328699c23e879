import Experiment
import Foundation
import MeasurementModel
import Platforms
import Join
import Reduction
import Reports
import TestSupport
import Testing

/// The HTML report: self-contained, structured, accessible, and every user-supplied string shown
/// as text, never as markup.
@Suite struct HTMLReportTests {
  static let hostile = "<script>alert(\"x\")</script>&'"

  /// A small experiment whose arm, metric, segment value, event and file names carry markup.
  static func report() throws -> (ExperimentReport, String) {
    let scratch = Scratch()
    let arm = "sms<b>"
    let experiment = """
      {
        "key": "k<script>", "as_of": "2026-03-01T00:00:00Z",
        "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "\(arm)", "weight": 0.5}],
        "inputs": {"cohort": "cohort.csv", "messages": "m<i>.csv", "events": "events.csv"},
        "exposure": ["sms_delivered"],
        "metrics": [{"name": "ordered<img src=x onerror=1>", "kind": "conversion", "event": "order<&>", "window_days": 14}],
        "segments": ["tier"]
      }
      """
    var cohort = "user_id,entered_at,arm,tier\n"
    var events = "user_id,event,timestamp\n"
    for i in 0..<40 {
      let inTreatment = i % 2 == 1
      cohort += "u\(i),2026-01-10T00:00:00Z,\(inTreatment ? arm : "holdout"),\"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
      if i % 3 == 0 || (inTreatment && i % 5 == 0) { events += "u\(i),order<&>,2026-01-11T00:00:00Z\n" }
    }
    scratch.write("cohort.csv", cohort)
    scratch.write("events.csv", events)
    scratch.write("m<i>.csv", "user_id,event,timestamp\nu1,sms_delivered,2026-01-10T01:00:00Z\nbad,line\n")
    let path = scratch.write("experiment.json", experiment)
    let definition = try ExperimentFileDecoder.load(path: path, for: .report)
    let report = ExperimentReport(measurement: try Measurer(experiment: definition, asOf: definition.asOf!).measure())
    return (report, HTMLReportRenderer.render(report))
  }

  @Test func injectedMarkupAppearsAsText() throws {
    let (_, html) = try Self.report()
    for raw in ["<script>", "<b>", "<img src=x", "<i>", "order<&>"] {
      #expect(!html.contains(raw), "unescaped \(raw)")
    }
    #expect(html.contains("k&lt;script&gt;"))
    #expect(html.contains("sms&lt;b&gt;"))
    #expect(html.contains("ordered&lt;img src=x onerror=1&gt;"))
    #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
    #expect(html.contains("m&lt;i&gt;.csv"))
  }

  @Test func thePageIsSelfContainedAndStructured() throws {
    let (_, html) = try Self.report()
    #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(!html.contains("<img") && !html.contains("<link") && !html.contains("<iframe"))
    for heading in ["<h1>", "<h2 id=\"verdict\">", "<h2 id=\"checks\">", "<h2 id=\"arms\">", "<h2 id=\"metrics\">", "<h2 id=\"data\">"] {
      #expect(html.contains(heading), "\(heading)")
    }
    #expect(html.contains("<th scope=\"col\">"))
    #expect(html.contains("<caption>"))
    // Every chart has a title and a text alternative.
    let charts = html.components(separatedBy: "<svg ").count - 1
    #expect(charts >= 1)
    #expect(html.components(separatedBy: "role=\"img\"").count - 1 == charts)
    #expect(html.components(separatedBy: "<desc id=").count - 1 == charts)
  }

  @Test func theCommittedHTMLSnapshotsMatchAndShowTheCharts() throws {
    for name in ["winback", "cart-recovery"] {
      let html = try String(contentsOfFile: TestPaths.repository("reports/\(name)/report.html"), encoding: .utf8)
      #expect(html.contains("<title id=\"forest-title\">"), "\(name): forest plot")
      #expect(html.hasSuffix("</html>\n"))
    }
    let winback = try String(contentsOfFile: TestPaths.repository("reports/winback/report.html"), encoding: .utf8)
    #expect(winback.contains("<title id=\"km-title\">"))
  }
}
