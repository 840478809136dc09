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
        .target(
            name: "LRFinder",
            dependencies: ["CBLAS", "CZlib"],
            resources: [.copy("Resources/mnist5k.csv.gz"), .copy("Resources/digits.csv.gz")],
            // Float.squareRoot() reaches C's sqrtf through an inline shim; with errno semantics
            // clang guards it with a scalar call for negative inputs, which keeps the optimizer
            // loops (Adam, RMSprop) from vectorizing. Without errno it is one `sqrtps` per 4 lanes.
            swiftSettings: [.unsafeFlags(["-Xcc", "-fno-math-errno"])]
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
        .testTarget(
            name: "LRFinderTests",
            dependencies: ["LRFinder"]
        ),
        .testTarget(
            name: "LRPlotTests",
            dependencies: ["LRPlot"]
        ),
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["lrfind"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
