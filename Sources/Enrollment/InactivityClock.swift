import Ingest

/// Whole days between instants, counted in local calendar days of a time zone.
///
/// d(T, p) = localDay(T) − localDay(p), where localDay(t) = ⌊(t + offset(t)) / 1 day⌋ and
/// offset(t) is the zone's UTC offset at t. Two purchases on the same local calendar day have
/// the same d whatever their hour; a purchase at 23:30 local is one day more inactive than one
/// at 00:10 the next morning. Timestamps without a zone in the export are local times of the
/// same zone (`localInstant`).
struct InactivityClock {
  let zone: TimeZoneRule

  /// The local calendar day (days since 1970-01-01 local) of UTC instant `micros`.
  func localDay(_ micros: Int64) -> Int64 {
    let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
    let local = micros + zone.offset(atUTC: seconds) * 1_000_000
    let day = Timestamp.microsecondsPerDay
    return local >= 0 ? local / day : (local - day + 1) / day
  }

  /// Whole local days from `purchase` to `asOf` (negative when the purchase is later).
  func inactiveDays(purchase: Int64, asOf: Int64) -> Int64 {
    localDay(asOf) - localDay(purchase)
  }

  /// The UTC instant of local midnight starting local day `day`.
  func startOfDay(_ day: Int64) -> Int64 {
    zone.utc(fromLocal: day * Timestamp.microsecondsPerDay)
  }

  /// The instant `text` names, read with `format`: an ISO-8601 time with a zone (or `Z`) as
  /// written, one without a zone (or a bare date, at local midnight) as a local time of the
  /// zone, and Unix epoch numbers as UTC (they count from the UTC epoch by definition). Nil
  /// when `text` is not a timestamp.
  func instant(_ text: String, format: TimeFormat) -> Int64? {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> Int64? in
      let view = UnsafeBufferPointer(buffer)
      guard let reading = format.read(view) else { return nil }
      let isISO = view.count > 4 && view[4] == UInt8(ascii: "-")
      return reading.isZoned || !isISO ? reading.micros : zone.utc(fromLocal: reading.micros)
    }
  }
}
