
import TestSupport
import Testing
import TextOutput

@Suite struct FormattingTests {
  /// Integers above 2⁵³ print exactly (they went through a Double and rounded).
  @Test func largeIntegersAreGroupedExactly() {
    #expect(NumberFormat.grouped(Int.max) == "9,223,372,036,854,775,807")
    #expect(NumberFormat.grouped(-9_007_199_254_740_993) == "-9,007,199,254,740,993")
    #expect(NumberFormat.grouped(0) == "0")
    #expect(NumberFormat.grouped(1_234) == "1,234")
  }

  @Test func numbersAreLocaleFreeAndSigned() {
    #expect(NumberFormat.signedPercent(0.1234) == "+12.3%")
    #expect(NumberFormat.signedPercent(-0.0004) == "-0.0%" || NumberFormat.signedPercent(-0.0004) == "0.0%")
    #expect(NumberFormat.grouped(1_234_567.891, 2) == "1,234,567.89")
    #expect(NumberFormat.signedGrouped(-1240.4) == "-1,240")
    #expect(NumberFormat.pValue(0.00001) == "< 0.0001")
    #expect(NumberFormat.pEquals(0.04476) == "p = 0.0448")
    #expect(NumberFormat.fixed(-0.00001, 2) == "0.00")
    #expect(NumberFormat.significant(0.1 + 0.2) == "0.3")
    #expect(NumberFormat.fixed(.nan, 2) == "n/a")
  }

  @Test func jsonEscapesStringsAndKeepsMemberOrder() {
    let value = JSONValue.object([
      ("z", .string("a \"quote\" \\ and\nnewline <b>")), ("a", .number(.infinity)), ("m", .int(3)),
    ])
    let text = value.serialized()
    #expect(text == "{\n  \"z\": \"a \\\"quote\\\" \\\\ and\\nnewline <b>\",\n  \"a\": null,\n  \"m\": 3\n}\n")
  }

  @Test func lineDiffShowsChangedLinesWithNumbers() {
    #expect(LineDiff.diff(expected: "a\nb\nc\n", actual: "a\nb\nc\n") == nil)
    let diff = LineDiff.diff(expected: "a\nb\nc\n", actual: "a\nB\nc\n")
    #expect(diff == "-2: b\n+2: B")
  }
}
