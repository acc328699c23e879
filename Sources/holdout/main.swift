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
#endif

exit(Holdout.main(arguments: Array(CommandLine.arguments.dropFirst())))
