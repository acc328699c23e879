import Experiment
import Foundation
import Reduction
import Reports
import TestSupport
import Testing

/// The summary's verdicts: one `Verdict` per comparison, printed with the same words by the
/// Markdown summary and the HTML Verdict section, each naming its comparison.
@Suite struct VerdictTests {
  static func winbackReport() throws -> ExperimentReport {
    let definition = try ExperimentFileDecoder.load(path: TestPaths.repository("fixtures/winback/experiment.json"), for: .report)
    return ExperimentReport(measurement: try Measurer(experiment: definition, asOf: definition.asOf!).measure())
  }

  /// The words of a Markdown summary bullet: code spans and bold removed.
  static func words(markdown line: String) -> String {
    String(line.dropFirst(2)).replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "**", with: "")
  }

  /// The words of an HTML list item: tags removed, the five entities decoded.
  static func words(html item: String) -> String {
    var out = ""
    var inTag = false
    for c in item {
      if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
    }
    return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }

  @Test func markdownAndHTMLPrintTheSameWordsForEveryComparison() throws {
    let report = try Self.winbackReport()
    let markdown = MarkdownReportRenderer.render(report)
    let html = HTMLReportRenderer.render(report)
    let summary = markdown.components(separatedBy: "## Summary\n\n")[1].components(separatedBy: "\n## ")[0]
    let bullets = summary.split(separator: "\n").map(String.init).filter { $0.hasPrefix("- ") }
    let section = html.components(separatedBy: "<ul class=\"verdicts\">\n")[1].components(separatedBy: "</ul>")[0]
    let items = section.split(separator: "\n").map(String.init)
    // winback: 3 primary comparisons (two arms against the holdout, one arm against the other)
    // and the same 3 for the guardrail.
    #expect(bullets.count == 6)
    #expect(items.count == bullets.count)
    #expect(bullets.map(Self.words(markdown:)) == items.map(Self.words(html:)))
    #expect(Verdict.all(report).count == 6)
  }

  @Test func everyLineNamesItsComparisonAndGuardrailsSayHarm() throws {
    let verdicts = Verdict.all(try Self.winbackReport())
    for verdict in verdicts {
      let names = verdict.parts.filter { $0.style == .name }.map(\.text)
      #expect(names.contains("holdout") || names.contains("sms"), "\(verdict.parts)")
      #expect(verdict.parts.contains { $0.text.contains(" vs ") }, "\(verdict.parts)")
    }
    let guardrails = verdicts.filter { $0.parts.first?.text == "Guardrail " }
    #expect(guardrails.map(\.tone) == [.open, .harm, .harm])
    #expect(guardrails[1].parts.contains(Verdict.Part(text: "harm detected", style: .decision)))
    let primaries = verdicts.filter { $0.parts.first?.text != "Guardrail " }
    #expect(primaries.allSatisfy { $0.tone == .open })
    #expect(primaries.allSatisfy { $0.parts.contains(Verdict.Part(text: "Not yet conclusive", style: .decision)) })
  }
}
