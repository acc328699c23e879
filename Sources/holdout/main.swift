import HoldoutCLI

#if canImport(Glibc)
  import Glibc
#endif

exit(Holdout.main(arguments: Array(CommandLine.arguments.dropFirst())))
