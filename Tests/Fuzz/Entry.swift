/// libFuzzer's entry point: runs the target named by the FUZZ_TARGET environment variable on one
/// input. Every target parses outside bytes and must return normally: a crash, a trap, a
/// sanitizer report or a failed differential check is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
  FuzzTargets.run(FuzzTargets.selected, bytes)
  return 0
}
