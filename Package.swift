// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lrfind",
    products: [
        .library(name: "LRFinder", targets: ["LRFinder"]),
        .library(name: "LRPlot", targets: ["LRPlot"]),
        .executable(name: "lrfind", targets: ["lrfind"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // A YAML parser for the tests that read docs/kubernetes/sweep-job.yaml.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "pkg-config"])]
        ),
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev", "pkg-config"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev", "pkg-config"])]
        ),
        // Square roots without errno for the optimizer loops (Adam, RMSprop); see
        // include/CVectorMath.h.
        .target(name: "CVectorMath"),
        .target(
            name: "LRFinder",
            dependencies: ["CBLAS", "CVectorMath", "CZlib"],
            resources: [.copy("Resources/mnist5k.csv.gz"), .copy("Resources/digits.csv.gz")]
        ),
        .target(
            name: "LRPlot",
            dependencies: ["CCairo"]
        ),
        .executableTarget(
            name: "lrfind",
            dependencies: [
                "LRFinder", "LRPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fixture paths every test target reads.
        .target(name: "TestFixtures", path: "Tests/TestFixtures"),
        .testTarget(
            name: "LRFinderTests",
            dependencies: ["LRFinder", "TestFixtures"]
        ),
        .testTarget(
            name: "LRPlotTests",
            dependencies: ["LRPlot"]
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["lrfind", "TestFixtures", .product(name: "Yams", package: "Yams")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
