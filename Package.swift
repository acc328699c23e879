// swift-tools-version:6.2
// Holdout: measures what lifecycle-marketing journeys cause, using randomized holdouts.
//
// Targets follow the pipeline, and imports only point backwards along it:
//   Statistics (leaf, numerics)   Assignment (leaf, hashing)   Ingest (leaf, bytes → rows)
//   Measurement → Assignment, Ingest, Statistics
//   Reports     → Measurement, Statistics
//   Enrollment  → Measurement, Assignment, Ingest, Reports (builds the cohort: `holdout cohort`)
//   Warehouse   → Measurement, Ingest, Statistics (SQL for the aggregates: `holdout sql`,
//                 and reading them back: `report --aggregates`)
//   Simulation  → Assignment, Ingest
//   HoldoutCLI  → everything above; `holdout` is a thin executable over HoldoutCLI.
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
    .target(name: "Measurement", dependencies: ["Assignment", "Ingest", "Statistics"]),
    .target(name: "Reports", dependencies: ["Measurement", "Statistics", "Ingest"]),
    .target(name: "Simulation", dependencies: ["Assignment", "Ingest"]),
    .target(name: "Enrollment", dependencies: ["Measurement", "Assignment", "Ingest", "Reports"]),
    .target(name: "Warehouse", dependencies: ["Measurement", "Ingest", "Statistics"]),
    .target(
      name: "HoldoutCLI",
      dependencies: [
        "Assignment", "Ingest", "Measurement", "Statistics", "Reports", "Simulation", "Enrollment", "Warehouse",
      ]),
    .executableTarget(name: "holdout", dependencies: ["HoldoutCLI"]),
    .target(name: "TestSupport", dependencies: ["Reports", "Simulation", "Warehouse"], path: "Tests/TestSupport"),
    .testTarget(
      name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "AssignmentTests", dependencies: ["Assignment", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "IngestTests", dependencies: ["Ingest", "TestSupport"]),
    .testTarget(
      name: "MeasurementTests",
      dependencies: ["Measurement", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(
      name: "EnrollmentTests", dependencies: ["Enrollment", "Measurement", "Ingest", "Assignment", "TestSupport"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Measurement", "TestSupport"]),
    .testTarget(
      name: "WarehouseTests", dependencies: ["Warehouse", "Measurement", "Reports", "Ingest", "TestSupport"],
      exclude: ["Golden"]),
    .testTarget(
      name: "HoldoutCLITests",
      dependencies: [
        "HoldoutCLI", "Measurement", "Statistics", "Reports", "Simulation", "Ingest", "TestSupport",
      ]),
  ]
)
