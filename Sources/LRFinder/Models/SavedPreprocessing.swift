import Foundation

/// How the training data was read and encoded, saved with a model (its `preprocessing`
/// metadata, JSON) so that new data is read the same way: the ``FeatureEncoding`` fitted on the
/// training split (column names, numeric offsets, factors and fills, one-hot levels) and the
/// reading settings (label column, header, delimiter, ignored columns), and a regression
/// target's standardisation.
public struct SavedPreprocessing: Codable, Equatable, Sendable {
    /// The encoding of the feature columns.
    public var encoding: FeatureEncoding
    /// Where the label was in the training file.
    public var labelColumn: LabelColumn
    /// Whether the training file had a header row (else columns go by position).
    public var hasHeader: Bool
    /// The training file's delimiter; nil for data that was not CSV (detected in new data).
    public var delimiter: CSVDelimiter?
    /// Columns of the training file that were neither features nor the label.
    public var ignoredColumns: [CSVColumn]
    /// Fields per row of the training file: features, label and ignored columns.
    public var fieldCount: Int
    /// A regression target's training mean and deviation: the network predicts standardised
    /// values (nil for classes).
    public var targetStandardization: TargetStandardization?

    /// The preprocessing of `data`, prepared by `recipe`; nil when it has no encoding (splits
    /// made by hand).
    public init?(recipe: DataRecipe, data: PreparedData) {
        guard let encoding = data.encoding else { return nil }
        self.encoding = encoding
        labelColumn = recipe.labelColumn
        // Without a header the columns are named by their position (``FeatureColumn/numeric(count:)``).
        hasHeader = !encoding.columns.allSatisfy { $0.name == "column \($0.position)" }
        delimiter = data.delimiter
        ignoredColumns = recipe.ignoredColumns ?? []
        fieldCount = encoding.columns.count + 1 + Set(ignoredColumns).count
        targetStandardization = data.targetStandardization
    }

    /// The record as compact JSON with sorted keys (the metadata value).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// The record in a model file's `preprocessing` metadata.
    /// - Throws: ``DataError`` naming `file` when it does not decode, or a one-hot column lists a
    ///   level twice.
    public init(json: String, file: String) throws {
        do { self = try JSONDecoder().decode(Self.self, from: Data(json.utf8)) } catch {
            throw DataError(file: file, message: "metadata 'preprocessing' cannot be read (written by another lrfind version?)")
        }
        for column in encoding.columns {
            var seen: Set<String> = []
            if let level = column.levels?.first(where: { !seen.insert($0).inserted }) {
                throw DataError(file: file, message: "metadata 'preprocessing': column '\(column.name)' lists a one-hot level twice", text: level)
            }
        }
    }
}
