// swift-tools-version:6.2
// Holdout: measures what lifecycle-marketing journeys cause, using randomized holdouts.
//
// Targets follow the pipeline, and imports only point backwards along it (ARCHITECTURE.md has the
// table and each target's README.md its rules):
//   Statistics, Assignment, Compression          leaves: numerics, hashing, DEFLATE/zip/Snappy
//   Ingest → Compression; TextOutput → Ingest    bytes in, text out
//   Experiment       → Assignment, Ingest, Statistics        the experiment file
//   MeasurementModel → Experiment, Ingest, Statistics        what Reports and Warehouse consume
//   Platforms        → MeasurementModel, Experiment, Ingest  each platform's export format, the readers
//   Join             → Platforms, MeasurementModel, ...      cohort, identities, the event join
//   Reduction        → Join, ...                             per-user outcomes → per-arm sums
//   Reports          → MeasurementModel, TextOutput, ...     the analysis and the three renderers
//   Enrollment       → Join, Platforms, TextOutput, ...      `holdout cohort`
//   WarehouseSQL → Experiment, Ingest; Warehouse → WarehouseSQL, MeasurementModel
//   Simulation       → Assignment, Ingest
//   Signatures, HTTPServer                       leaves: SHA-256/HMAC; HTTP/1.1 on POSIX sockets
//   Collector        → HTTPServer, Signatures, Ingest        `holdout serve`: webhooks → hourly files
//   HoldoutCLI       → everything above; `holdout` is a thin executable over HoldoutCLI.
// No package dependencies, by design.
import PackageDescription

let package = Package(
  name: "Holdout",
  products: [
    .executable(name: "holdout", targets: ["holdout"]),
    .library(name: "HoldoutKit", targets: ["HoldoutCLI"]),
  ],
  dependencies: [],
  targets: [
    .target(name: "Statistics", exclude: ["README.md"]),
    .target(name: "Assignment", exclude: ["README.md"]),
    .target(name: "Compression", exclude: ["README.md"]),
    .target(name: "Signatures", exclude: ["README.md"]),
    .target(name: "HTTPServer", exclude: ["README.md"]),
    .target(name: "Ingest", dependencies: ["Compression"], exclude: ["README.md"]),
    .target(name: "TextOutput", dependencies: ["Ingest"], exclude: ["README.md"]),
    .target(name: "Experiment", dependencies: ["Assignment", "Ingest", "Statistics"], exclude: ["README.md"]),
    .target(name: "MeasurementModel", dependencies: ["Experiment", "Ingest", "Statistics"], exclude: ["README.md"]),
    .target(name: "Platforms", dependencies: ["MeasurementModel", "Experiment", "Ingest"], exclude: ["README.md"]),
    .target(name: "Join", dependencies: ["Platforms", "MeasurementModel", "Experiment", "Assignment", "Ingest"], exclude: ["README.md"]),
    .target(name: "Reduction", dependencies: ["Join", "MeasurementModel", "Experiment", "Ingest", "Statistics"], exclude: ["README.md"]),
    .target(name: "Reports", dependencies: ["MeasurementModel", "Platforms", "Experiment", "Statistics", "Ingest", "TextOutput"], exclude: ["README.md"]),
    .target(name: "Simulation", dependencies: ["Assignment", "Ingest"], exclude: ["README.md"]),
    .target(name: "Collector", dependencies: ["HTTPServer", "Signatures", "Ingest"], exclude: ["README.md"]),
    .target(
      name: "Enrollment",
      dependencies: ["Join", "MeasurementModel", "Experiment", "Assignment", "Ingest", "TextOutput"],
      exclude: ["README.md"]),
    .target(name: "WarehouseSQL", dependencies: ["Experiment", "Ingest"], exclude: ["README.md"]),
    .target(name: "Warehouse", dependencies: ["WarehouseSQL", "MeasurementModel", "Experiment", "Ingest", "Statistics"], exclude: ["README.md"]),
    .target(
      name: "HoldoutCLI",
      dependencies: [
        "Assignment", "Ingest", "TextOutput", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction",
        "Statistics", "Reports", "Simulation", "Enrollment", "WarehouseSQL", "Warehouse", "Collector", "HTTPServer",
      ],
      exclude: ["README.md"]),
    .executableTarget(name: "holdout", dependencies: ["HoldoutCLI"], exclude: ["README.md"]),
    .target(
      name: "TestSupport",
      dependencies: ["Experiment", "MeasurementModel", "Reports", "TextOutput", "Simulation", "Warehouse", "WarehouseSQL"],
      path: "Tests/TestSupport"),
    .testTarget(
      name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "AssignmentTests", dependencies: ["Assignment", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "SignaturesTests", dependencies: ["Signatures", "TestSupport"]),
    .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
    .testTarget(name: "CollectorTests", dependencies: ["Collector", "HTTPServer", "Signatures", "Ingest", "TestSupport"]),
    .testTarget(name: "CompressionTests", dependencies: ["Compression", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "IngestTests", dependencies: ["Ingest", "Compression", "Simulation", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "ExperimentTests", dependencies: ["Experiment", "TestSupport"]),
    .testTarget(name: "MeasurementModelTests", dependencies: ["MeasurementModel", "Statistics", "TestSupport"]),
    .testTarget(
      name: "PlatformsTests",
      dependencies: ["Platforms", "Join", "MeasurementModel", "Experiment", "Ingest", "TestSupport"]),
    .testTarget(
      name: "JoinTests",
      dependencies: [
        "Join", "Reduction", "Platforms", "MeasurementModel", "Experiment", "Ingest", "Assignment", "TestSupport",
      ]),
    .testTarget(
      name: "ReductionTests",
      dependencies: ["Reduction", "Join", "Platforms", "MeasurementModel", "Experiment", "Ingest", "TestSupport"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TestSupport"]),
    .testTarget(
      name: "EnrollmentTests",
      dependencies: ["Enrollment", "MeasurementModel", "Platforms", "Join", "Reduction", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(name: "TextOutputTests", dependencies: ["TextOutput", "TestSupport"]),
    .testTarget(
      name: "ReportsTests",
      dependencies: ["Reports", "TextOutput", "MeasurementModel", "Platforms", "Join", "Reduction", "Experiment", "TestSupport"]),
    .testTarget(
      name: "WarehouseSQLTests", dependencies: ["WarehouseSQL", "Experiment", "Ingest", "TestSupport"],
      exclude: ["Golden"]),
    .testTarget(
      name: "WarehouseTests",
      dependencies: [
        "Warehouse", "WarehouseSQL", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction", "Reports",
        "Ingest", "TestSupport",
      ]),
    .testTarget(
      name: "HoldoutCLITests",
      dependencies: [
        "HoldoutCLI", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction", "Statistics", "Reports",
        "TextOutput", "Simulation", "Ingest", "TestSupport",
      ],
      exclude: ["Snapshots"]),
  ]
)
