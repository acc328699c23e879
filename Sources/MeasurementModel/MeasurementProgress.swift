/// What a measurement is doing, for a progress display. Reported now and then from the thread
/// that runs `Measurer.measure()`; it never influences the result.
public enum MeasurementProgress: Sendable, Equatable {
  /// Reading the cohort file.
  case cohort(path: String)
  /// Reading a messages or events input: bytes read so far, and the input's size when known in
  /// advance (a plain file; nil for gzip and standard input).
  case reading(path: String, bytes: Int, totalBytes: Int?)
  /// Reducing per-user outcomes to per-arm statistics.
  case statistics
}
