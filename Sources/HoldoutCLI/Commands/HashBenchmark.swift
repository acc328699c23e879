#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Assignment

/// `holdout assign EXPERIMENT --benchmark N`: how fast this machine assigns ids, for bench/.
///
/// Builds N distinct ids (`cus_<n>` in base 36, 8–12 bytes, like the simulator's) in one buffer
/// first, then times only the assignment loop (GrowthBook hash, bucket, arm) on one core, three
/// times, and prints the best rate. Wall-clock time reaches standard error only.
enum HashBenchmark {
  static func run(splitter: Splitter, ids count: Int) -> String {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    bytes.reserveCapacity(count * 12)
    for n in 0..<count {
      bytes.append(contentsOf: "cus_".utf8)
      bytes.append(contentsOf: String(n &* 2_654_435_761 & 0xFF_FFFF_FFFF, radix: 36).utf8)
      ends.append(bytes.count)
    }
    var best = Double.infinity
    var checksum = 0
    for _ in 0..<3 {
      let start = now()
      checksum = bytes.withUnsafeBufferPointer { buffer in
        var sum = 0
        var begin = 0
        for end in ends {
          let id = UnsafeBufferPointer(rebasing: buffer[begin..<end])
          sum &+= splitter.assign(bytes: id).arm ?? -1
          begin = end
        }
        return sum
      }
      best = min(best, now() - start)
    }
    let rate = Double(count) / best / 1e6
    return "assigned \(count) ids in \(Int(best * 1000)) ms on one core: \(Int(rate * 10) / 10).\(Int(rate * 10) % 10) M ids/s (arm checksum \(checksum))"
  }

  private static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
