// swift-tools-version:6.2
// Holdout: measures what lifecycle-marketing journeys cause, using randomized holdouts.
//
// Targets follow the pipeline, and imports only point backwards along it (ARCHITECTURE.md has the
// table and each target's README.md its rules):
//   Statistics, Assignment, Ingest, TextOutput   leaves: numerics, hashing, bytes in, text out
//   Experiment       → Assignment, Ingest, Statistics        the experiment file
//   MeasurementModel → Experiment, Ingest, Statistics        what Reports and Warehouse consume
//   Platforms        → MeasurementModel, Experiment, Ingest  each platform's export format, the readers
//   Join             → Platforms, MeasurementModel, ...      cohort, identities, the event join
//   Reduction        → Join, ...                             per-user outcomes → per-arm sums
//   Reports          → MeasurementModel, TextOutput, ...     the analysis and the three renderers
//   Enrollment       → Join, Platforms, TextOutput, ...      `holdout cohort`
//   WarehouseSQL → Experiment, Ingest; Warehouse → WarehouseSQL, MeasurementModel
//   Simulation       → Assignment, Ingest
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
    .target(name: "Statistics"),
    .target(name: "Assignment"),
    .target(name: "Ingest"),
    .target(name: "TextOutput", dependencies: ["Ingest"]),
    .target(name: "Experiment", dependencies: ["Assignment", "Ingest", "Statistics"]),
    .target(name: "MeasurementModel", dependencies: ["Experiment", "Ingest", "Statistics"]),
    .target(name: "Platforms", dependencies: ["MeasurementModel", "Experiment", "Ingest"]),
    .target(name: "Join", dependencies: ["Platforms", "MeasurementModel", "Experiment", "Assignment", "Ingest"]),
    .target(name: "Reduction", dependencies: ["Join", "Platforms", "MeasurementModel", "Experiment", "Ingest", "Statistics"]),
    .target(name: "Reports", dependencies: ["MeasurementModel", "Platforms", "Experiment", "Statistics", "Ingest", "TextOutput"]),
    .target(name: "Simulation", dependencies: ["Assignment", "Ingest"]),
    .target(
      name: "Enrollment",
      dependencies: ["Join", "Platforms", "MeasurementModel", "Experiment", "Assignment", "Ingest", "TextOutput"]),
    .target(name: "WarehouseSQL", dependencies: ["Experiment", "Ingest"]),
    .target(name: "Warehouse", dependencies: ["WarehouseSQL", "MeasurementModel", "Experiment", "Ingest", "Statistics"]),
    .target(
      name: "HoldoutCLI",
      dependencies: [
        "Assignment", "Ingest", "TextOutput", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction",
        "Statistics", "Reports", "Simulation", "Enrollment", "WarehouseSQL", "Warehouse",
      ]),
    .executableTarget(name: "holdout", dependencies: ["HoldoutCLI"]),
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
    .testTarget(name: "IngestTests", dependencies: ["Ingest", "Simulation", "TestSupport"]),
    .testTarget(
      name: "MeasurementTests",
      dependencies: [
        "MeasurementModel", "Platforms", "Join", "Reduction", "Experiment", "Ingest", "Assignment", "TestSupport",
      ]),
    .testTarget(
      name: "EnrollmentTests",
      dependencies: ["Enrollment", "MeasurementModel", "Platforms", "Join", "Reduction", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(name: "TextOutputTests", dependencies: ["TextOutput", "TestSupport"]),
    .testTarget(
      name: "ReportsTests",
      dependencies: ["Reports", "TextOutput", "MeasurementModel", "Platforms", "Join", "Reduction", "Experiment", "TestSupport"]),
    .testTarget(
      name: "WarehouseTests",
      dependencies: [
        "Warehouse", "WarehouseSQL", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction", "Reports",
        "Ingest", "TestSupport",
      ],
      exclude: ["Golden"]),
    .testTarget(
      name: "HoldoutCLITests",
      dependencies: [
        "HoldoutCLI", "Experiment", "MeasurementModel", "Platforms", "Join", "Reduction", "Statistics", "Reports",
        "TextOutput", "Simulation", "Ingest", "TestSupport",
      ]),
  ]
)
