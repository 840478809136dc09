import Foundation

/// The files the tests read, found from this file's own path so that a test runs from any
/// folder: the data sets of `fixtures/datasets`, the reference outputs of `fixtures/golden`, and
/// the library's bundled copies in `Sources/LRFinder/Resources`. Files are paths (as `--data`
/// and `DataRecipe.path` take them), folders are URLs (to append a file name to). A target of its own,
/// so that every test target reads the same one.
public enum Fixtures {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of `relative`, a path from the repository's root.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// `fixtures/datasets/digits.csv.gz`: scikit-learn's 1,797 8x8 digits (a link to the bundled copy).
    public static let digits = path("fixtures/datasets/digits.csv.gz")
    /// `fixtures/datasets/mnist5k.csv.gz`: 5,000 MNIST images (a link to the bundled copy).
    public static let mnist5k = path("fixtures/datasets/mnist5k.csv.gz")
    /// `fixtures/datasets/iris.csv`: 150 rows, species names as labels, a header.
    public static let iris = path("fixtures/datasets/iris.csv")
    /// `fixtures/datasets/penguins.csv`: categorical columns and missing cells.
    public static let penguins = path("fixtures/datasets/penguins.csv")
    /// `fixtures/datasets/wine.csv`: 178 rows, three classes.
    public static let wine = path("fixtures/datasets/wine.csv")
    /// `fixtures/datasets/diabetes.csv`: 442 rows, integer regression targets.
    public static let diabetes = path("fixtures/datasets/diabetes.csv")

    /// `Sources/LRFinder/Resources/digits.csv.gz`, the bundled digits themselves.
    public static let bundledDigits = path("Sources/LRFinder/Resources/digits.csv.gz")
    /// `Sources/LRFinder/Resources/mnist5k.csv.gz`, the bundled MNIST sample itself.
    public static let bundledMNIST5k = path("Sources/LRFinder/Resources/mnist5k.csv.gz")

    /// `fixtures/golden/curves`: range-test curves and the suggestions of fastai and torch-lr-finder.
    public static let goldenCurves = root.appendingPathComponent("fixtures/golden/curves")
    /// `fixtures/golden/layers`: PyTorch's outputs and gradients of single layers.
    public static let goldenLayers = root.appendingPathComponent("fixtures/golden/layers")
    /// `fixtures/golden/models`: a PyTorch MLP, its outputs, and the rows it was run on.
    public static let goldenModels = root.appendingPathComponent("fixtures/golden/models")
    /// `fixtures/golden/schedules`: PyTorch's and Keras' learning-rate sequences.
    public static let goldenSchedules = root.appendingPathComponent("fixtures/golden/schedules")
    /// `fixtures/golden/models/mlp_784_256_128_10.safetensors`: the PyTorch MLP's weights, without lrfind metadata.
    public static let goldenModel = path("fixtures/golden/models/mlp_784_256_128_10.safetensors")
}

