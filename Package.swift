// swift-tools-version:6.2
// Holdout: measures what lifecycle-marketing journeys cause, using randomized holdouts.
//
// Targets follow the pipeline, and imports only point backwards along it:
//   Statistics (leaf, numerics)   Assignment (leaf, hashing)   Ingest (leaf, bytes → rows)
//   Experiment   → Assignment, Ingest, Statistics (the experiment file: definition and decoder)
//   Measurement  → Experiment, Assignment, Ingest, Statistics (reads the data files and joins them)
//   Reports      → Measurement, Experiment, Statistics
//   Enrollment   → Measurement, Experiment, Assignment, Ingest, Reports (builds the cohort: `holdout cohort`)
//   WarehouseSQL → Experiment, Ingest (SQL for the aggregates: `holdout sql`; no file ingest)
//   Warehouse    → WarehouseSQL, Measurement, Experiment, Ingest, Statistics (reads the aggregates
//                  back into a Measurement: `report --aggregates`)
//   Simulation   → Assignment, Ingest
//   HoldoutCLI   → everything above; `holdout` is a thin executable over HoldoutCLI.
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
    .target(name: "Experiment", dependencies: ["Assignment", "Ingest", "Statistics"]),
    .target(name: "Measurement", dependencies: ["Experiment", "Assignment", "Ingest", "Statistics"]),
    .target(name: "Reports", dependencies: ["Measurement", "Experiment", "Statistics", "Ingest"]),
    .target(name: "Simulation", dependencies: ["Assignment", "Ingest"]),
    .target(name: "Enrollment", dependencies: ["Measurement", "Experiment", "Assignment", "Ingest", "Reports"]),
    .target(name: "WarehouseSQL", dependencies: ["Experiment", "Ingest"]),
    .target(name: "Warehouse", dependencies: ["WarehouseSQL", "Measurement", "Experiment", "Ingest", "Statistics"]),
    .target(
      name: "HoldoutCLI",
      dependencies: [
        "Assignment", "Ingest", "Experiment", "Measurement", "Statistics", "Reports", "Simulation", "Enrollment",
        "WarehouseSQL", "Warehouse",
      ]),
    .executableTarget(name: "holdout", dependencies: ["HoldoutCLI"]),
    .target(
      name: "TestSupport", dependencies: ["Experiment", "Reports", "Simulation", "Warehouse", "WarehouseSQL"],
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
      dependencies: ["Measurement", "Experiment", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(
      name: "EnrollmentTests", dependencies: ["Enrollment", "Measurement", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Measurement", "Experiment", "TestSupport"]),
    .testTarget(
      name: "WarehouseTests",
      dependencies: ["Warehouse", "WarehouseSQL", "Experiment", "Measurement", "Reports", "Ingest", "TestSupport"],
      exclude: ["Golden"]),
    .testTarget(
      name: "HoldoutCLITests",
      dependencies: [
        "HoldoutCLI", "Experiment", "Measurement", "Statistics", "Reports", "Simulation", "Ingest", "TestSupport",
      ]),
  ]
)
