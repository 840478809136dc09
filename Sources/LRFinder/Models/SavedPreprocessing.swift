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
    /// The label column's header name in the training file, by which new data's label is found
    /// whatever its position; nil when the file had no header (or a model file of an earlier
    /// version, or data read from a pipe): then ``labelColumn`` places it.
    public var labelName: String?
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
        // A pandas index column the parser left out is one of them (``Dataset/ignoredIndexColumn``).
        ignoredColumns = (recipe.ignoredColumns ?? []) + (data.ignoredIndexColumn.map { [.index($0 - 1)] } ?? [])
        fieldCount = encoding.columns.count + 1 + Set(ignoredColumns).count
        targetStandardization = data.targetStandardization
        if hasHeader { nameColumns(recipe: recipe, delimiter: data.delimiter) }
    }

    /// Names the label column and the ignored columns given by position, from the training
    /// file's header: the label as the recipe names it, else as the header of the file at the
    /// recipe's path names the column at its position (its first record read again, when it can
    /// be; not when the header's names at the features' positions are no longer the encoding's:
    /// the file changed).
    private mutating func nameColumns(recipe: DataRecipe, delimiter: CSVDelimiter?) {
        if case let .name(name) = labelColumn { labelName = name }
        let byPosition = ignoredColumns.contains { !$0.isNamed }
        guard labelName == nil || byPosition, let path = recipe.path, recipe.labelsPath == nil, Self.canBeReadAgain(path),
              let names = try? Predictor.firstRow(path, delimiter: delimiter).fields else { return }
        let features = encoding.columns
        guard features.allSatisfy({ $0.position <= names.count && (names[$0.position - 1] == $0.name || names[$0.position - 1].isEmpty) })
        else { return }
        let featureNames = Set(features.map(\.name))
        /// The header's name at 0-based `index`; nil for none, an empty name, or a feature's.
        func name(at index: Int) -> String? {
            guard index >= 0 && index < names.count, !names[index].isEmpty, !featureNames.contains(names[index]) else { return nil }
            return names[index]
        }
        if labelName == nil {
            switch labelColumn {
            case .first: labelName = name(at: 0)
            case .last: labelName = name(at: names.count - 1)
            case let .index(index): labelName = name(at: index)
            case .name: break
            }
        }
        ignoredColumns = ignoredColumns.map { column in
            if case let .index(index) = column, let name = name(at: index) { return .name(name) }
            return column
        }
    }

    /// Whether the file at `path` can be read again: a regular file, or a stream whose bytes
    /// ``FileBytes`` kept when it was read (standard input, a pipe); reading a pipe again would
    /// wait for bytes that never come.
    private static func canBeReadAgain(_ path: String) -> Bool {
        if FileBytes.keptBytes(for: path) != nil { return true }
        guard path != FileBytes.standardInput else { return false }
        var information = stat()
        return stat(path, &information) == 0 && (information.st_mode & S_IFMT) == S_IFREG
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
                throw DataError(file: file, message: "metadata 'preprocessing': column '\(DisplayText.shown(column.name))' lists a one-hot level twice", text: DataError.cut(level))
            }
        }
    }
}
