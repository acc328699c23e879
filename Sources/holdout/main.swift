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

  // Running out of memory (a machine's, or `ulimit -v`) ends in the Swift runtime's "Fatal
  // error: failed to allocate …" and abort(); by default its backtracer then prints registers
  // and a backtrace, which tell a user nothing. Instead, after the runtime's own line, one plain
  // line says what ran out and what to do, and the process exits 71 (EX_OSERR). No report file
  // is torn: reports are renamed into place only when complete, and the temporary files an
  // aborted run leaves are removed by the next run into the folder.
  signal(SIGABRT) { _ in
    let message: StaticString = """
      error: holdout stopped on a fatal error (the line above says which). "failed to allocate" \
      means memory ran out: give the process more memory (raise ulimit -v, or use a larger machine) \
      or less to hold (--threads 1, or fewer journeys per report DIR run); no report was written.

      """
    _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    _exit(71)
  }
#endif

exit(Holdout.main(arguments: Array(CommandLine.arguments.dropFirst())))
