import Testing

@testable import HTTPServer

/// Feeds bytes to an `HTTPRequestParser` in pieces and collects what it returns, and checks that
/// every split of the bytes gives the same outcome as one append.
enum ParserFeed {
  /// The events other than `.needMore`, in order, and the error that ended them, if any.
  struct Outcome: Equatable, CustomStringConvertible {
    var events: [HTTPRequestParser.Event] = []
    var error: HTTPRequestError?

    var requests: [HTTPRequest] {
      events.compactMap { if case .request(let r) = $0 { r } else { nil } }
    }

    var description: String { "\(events.count) events, error \(error.map(\.description) ?? "none")" }
  }

  /// Appends the bytes cut at `cuts` (increasing offsets), calling `next()` until `.needMore`
  /// after each piece.
  static func run(_ bytes: [UInt8], cuts: [Int], limits: HTTPLimits) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    var from = 0
    for to in cuts + [bytes.count] where to >= from {
      parser.append(Array(bytes[from..<to]))
      from = to
      do {
        while true {
          let event = try parser.next()
          if event == .needMore { break }
          outcome.events.append(event)
        }
      } catch {
        outcome.error = error
        return outcome
      }
    }
    return outcome
  }

  /// The outcome of `text` (with `\n` written as CRLF unless `crlf` is false) appended whole,
  /// after checking that one byte at a time, and cut in two at every position (in three for
  /// inputs over 400 bytes: at 97 spread positions and 13 bytes further), give the same.
  static func outcome(
    _ text: String, crlf: Bool = true, limits: HTTPLimits = HTTPLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> Outcome {
    let bytes = Array((crlf ? text.replacing("\n", with: "\r\n") : text).utf8)
    return outcome(bytes, limits: limits, sourceLocation: sourceLocation)
  }

  /// `outcome(_:crlf:limits:)` for bytes.
  static func outcome(
    _ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), sourceLocation: SourceLocation = #_sourceLocation
  ) -> Outcome {
    let whole = run(bytes, cuts: [], limits: limits)
    let bytewise = run(bytes, cuts: Array(0..<bytes.count), limits: limits)
    if bytewise != whole {
      Issue.record("one byte at a time: \(bytewise), whole: \(whole)", sourceLocation: sourceLocation)
    }
    let firstCuts = bytes.count <= 400 ? Array(0...bytes.count) : (0..<97).map { $0 * bytes.count / 97 }
    for cut in firstCuts {
      let cuts = bytes.count <= 400 ? [cut] : [cut, Swift.min(cut + 13, bytes.count)]
      let split = run(bytes, cuts: cuts, limits: limits)
      if split != whole {
        Issue.record("cut at \(cuts): \(split), whole: \(whole)", sourceLocation: sourceLocation)
        break
      }
    }
    return whole
  }

  /// The error of `text` (checked for every split as `outcome` does), nil if there is none.
  static func error(
    _ text: String, limits: HTTPLimits = HTTPLimits(), sourceLocation: SourceLocation = #_sourceLocation
  ) -> HTTPRequestError? {
    outcome(text, limits: limits, sourceLocation: sourceLocation).error
  }

  /// The status `text` is refused with (0 if it is not refused).
  static func status(
    _ text: String, limits: HTTPLimits = HTTPLimits(), sourceLocation: SourceLocation = #_sourceLocation
  ) -> Int {
    error(text, limits: limits, sourceLocation: sourceLocation)?.status ?? 0
  }
}

extension ParserFeed {
  /// `status(_:limits:)` of bytes written exactly as given (no `\n` → CRLF).
  static func status(raw text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    outcome(text, crlf: false, sourceLocation: sourceLocation).error?.status ?? 0
  }

  /// `error(_:limits:)` of bytes written exactly as given (no `\n` → CRLF).
  static func error(
    raw text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) -> HTTPRequestError? {
    outcome(text, crlf: false, sourceLocation: sourceLocation).error
  }
}

/// A test's own failure, to throw out of a test.
struct Failure: Error {
  var message: String
  init(_ message: String) { self.message = message }
}
