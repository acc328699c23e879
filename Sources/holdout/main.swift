import HoldoutCLI

#if canImport(Glibc)
  import Glibc

  // Worker threads parse chunks into short-lived buffers; glibc would give each thread its own
  // malloc arena and keep the freed pages of every arena, which costs tens of megabytes of peak
  // memory on a large input for no speed. Two arenas are enough for two or three busy threads.
  // (`mallopt` is in <malloc.h>, which the Glibc module does not export; M_ARENA_MAX is −8.)
  if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
  }

  // A write past the file-size limit (`ulimit -f`) would raise SIGXFSZ, which kills the process
  // with a half-written temporary file and no message. Ignored, the write fails with EFBIG and
  // the output error (exit 74) names the file and the limit. SIGPIPE is ignored so that a write
  // to a `gzip` child that died is an error naming it; standard output closed by its reader
  // (`holdout report … | head -1`) still ends the process silently by SIGPIPE, as Unix tools
  // do (`Console.standard`).
  signal(SIGXFSZ, SIG_IGN)
  signal(SIGPIPE, SIG_IGN)
#endif

exit(Holdout.main(arguments: Array(CommandLine.arguments.dropFirst())))
