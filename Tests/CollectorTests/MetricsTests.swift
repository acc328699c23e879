import Ingest
import Testing

@testable import Collector

@Suite struct MetricsTests {
  @Test func aSmallRegistryRendersExactly() {
    let metrics = Metrics()
    let requests = metrics.counter(
      "holdout_requests_total", help: "Requests answered, by endpoint and status.",
      labels: ["endpoint", "status"])
    let connections = metrics.gauge("holdout_open_connections", help: "Connections open now.")
    let events = metrics.counter(
      "holdout_events_total", help: "Events stored.", labels: ["endpoint"])
    let fsync = metrics.histogram(
      "holdout_fsync_seconds", help: "Latency of each flush of an event file.",
      buckets: [0.001, 0.5, 2.5])
    requests.increment(labels: ["klaviyo", "401"])
    requests.increment(labels: ["braze", "200"])
    requests.increment(by: 2, labels: ["braze", "200"])
    requests.increment(labels: ["braze", "503"])
    connections.add(3)
    connections.add(-1)
    fsync.observe(0.25)
    fsync.observe(0.5)
    fsync.observe(3)
    #expect(
      metrics.render() == """
        # HELP holdout_requests_total Requests answered, by endpoint and status.
        # TYPE holdout_requests_total counter
        holdout_requests_total{endpoint="braze",status="200"} 3
        holdout_requests_total{endpoint="braze",status="503"} 1
        holdout_requests_total{endpoint="klaviyo",status="401"} 1
        # HELP holdout_open_connections Connections open now.
        # TYPE holdout_open_connections gauge
        holdout_open_connections 2
        # HELP holdout_events_total Events stored.
        # TYPE holdout_events_total counter
        # HELP holdout_fsync_seconds Latency of each flush of an event file.
        # TYPE holdout_fsync_seconds histogram
        holdout_fsync_seconds_bucket{le="0.001"} 0
        holdout_fsync_seconds_bucket{le="0.5"} 2
        holdout_fsync_seconds_bucket{le="2.5"} 2
        holdout_fsync_seconds_bucket{le="+Inf"} 3
        holdout_fsync_seconds_sum 3.75
        holdout_fsync_seconds_count 3

        """)
    events.increment(by: 12, labels: ["braze"])
    #expect(
      metrics.render().contains(
        "# TYPE holdout_events_total counter\nholdout_events_total{endpoint=\"braze\"} 12\n"))
  }

  @Test func labelValuesAndHelpAreEscaped() {
    let metrics = Metrics()
    let counter = metrics.counter("x_total", help: "a \\ b\nc \"d\"", labels: ["v"])
    counter.increment(labels: ["q\"u\\o\nte"])
    counter.increment(labels: ["plain é"])
    #expect(
      metrics.render() == """
        # HELP x_total a \\\\ b\\nc "d"
        # TYPE x_total counter
        x_total{v="plain é"} 1
        x_total{v="q\\"u\\\\o\\nte"} 1

        """)
  }

  @Test func seriesSortBytewiseByEachLabelValueInTurn() {
    let metrics = Metrics()
    let gauge = metrics.gauge("g", help: "g", labels: ["a", "b"])
    for (a, b) in [("b", "1"), ("a", "2"), ("B", "9"), ("a", "10"), ("é", "0"), ("ab", "0")] {
      gauge.set(1, labels: [a, b])
    }
    let order = metrics.render().split(separator: "\n").dropFirst(2).map {
      String($0.prefix { $0 != "}" })
    }
    #expect(
      order == [
        "g{a=\"B\",b=\"9\"", "g{a=\"a\",b=\"10\"", "g{a=\"a\",b=\"2\"", "g{a=\"ab\",b=\"0\"",
        "g{a=\"b\",b=\"1\"",
        "g{a=\"é\",b=\"0\"",
      ])
  }

  @Test func histogramBucketsAreCumulativePerSeries() throws {
    let metrics = Metrics()
    let histogram = metrics.histogram("h_seconds", help: "h", labels: ["endpoint"])
    #expect(Metrics.fsyncBuckets.first == 0.0005 && Metrics.fsyncBuckets.last == 2.5)
    for value in [0.0001, 0.0005, 0.0007, 0.02, 0.02, 2.5, 100] {
      histogram.observe(value, labels: ["b"])
    }
    histogram.observe(0.3, labels: ["a"])
    let text = metrics.render()
    let b = text.split(separator: "\n").filter { $0.contains("endpoint=\"b\"") }
    #expect(
      b == [
        "h_seconds_bucket{endpoint=\"b\",le=\"0.0005\"} 2",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.001\"} 3",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.0025\"} 3",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.005\"} 3",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.01\"} 3",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.025\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.05\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.1\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.25\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"0.5\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"1\"} 5",
        "h_seconds_bucket{endpoint=\"b\",le=\"2.5\"} 6",
        "h_seconds_bucket{endpoint=\"b\",le=\"+Inf\"} 7", "h_seconds_sum{endpoint=\"b\"} 102.5413",
        "h_seconds_count{endpoint=\"b\"} 7",
      ])
    #expect(
      text.contains(
        "h_seconds_bucket{endpoint=\"a\",le=\"0.25\"} 0\nh_seconds_bucket{endpoint=\"a\",le=\"0.5\"} 1\n"
      ))
    let a = try #require(text.firstRange(of: "endpoint=\"a\""))
    let firstB = try #require(text.firstRange(of: "endpoint=\"b\""))
    #expect(a.lowerBound < firstB.lowerBound)
  }

  @Test func numbersAreWrittenAsTheFormatReadsThem() {
    #expect(Metrics.formatted(0) == "0")
    #expect(Metrics.formatted(-0.0) == "0")
    #expect(Metrics.formatted(3) == "3")
    #expect(Metrics.formatted(-2) == "-2")
    #expect(Metrics.formatted(1_234_567_890_123) == "1234567890123")
    #expect(Metrics.formatted(0.0005) == "0.0005")
    #expect(Metrics.formatted(1e-05) == "1e-05")
    #expect(Metrics.formatted(2.5) == "2.5")
    #expect(Metrics.formatted(1e20) == "1e+20")
    #expect(Metrics.formatted(.infinity) == "+Inf")
    #expect(Metrics.formatted(-.infinity) == "-Inf")
    #expect(Metrics.formatted(.nan) == "NaN")
  }

  @Test func namesFollowThePrometheusRules() {
    #expect(
      Metrics.isMetricName("holdout_fsync_seconds") && Metrics.isMetricName("a:b_c1")
        && Metrics.isMetricName("_x"))
    #expect(
      !Metrics.isMetricName("") && !Metrics.isMetricName("1x") && !Metrics.isMetricName("a-b")
        && !Metrics.isMetricName("é"))
    #expect(
      Metrics.isLabelName("endpoint") && Metrics.isLabelName("_x") && Metrics.isLabelName("le"))
    #expect(
      !Metrics.isLabelName("__name") && !Metrics.isLabelName("a:b") && !Metrics.isLabelName("2x"))
  }

  @Test func concurrentUpdatesAreAllCounted() {
    let metrics = Metrics()
    let counter = metrics.counter("c_total", help: "c", labels: ["thread"])
    let histogram = metrics.histogram("h", help: "h")
    Threads.run(16) { thread in
      for i in 0..<1000 {
        counter.increment(labels: [thread % 2 == 0 ? "even" : "odd"])
        histogram.observe(Double(i % 4) * 0.001)
        if i % 100 == 0 { _ = metrics.render() }
      }
    }
    let text = metrics.render()
    #expect(text.contains("c_total{thread=\"even\"} 8000\nc_total{thread=\"odd\"} 8000\n"))
    #expect(text.contains("h_bucket{le=\"0.001\"} 8000\n"))
    #expect(text.contains("h_count 16000\n"))
  }
}
