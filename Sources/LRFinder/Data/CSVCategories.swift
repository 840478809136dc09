/// The cells of a CSV file's feature columns that are not numbers, gathered while the file is
/// read (one pass, so standard input works), and the columns they make categorical at its end.
/// While reading, such a cell is a NaN in the feature matrix and its text is kept here; at the end
/// each categorical column's values become level indices (``FeatureColumn``).
struct CSVCategories {
    /// One feature column's non-numeric cells.
    private struct Column {
        /// Distinct texts in order of first appearance.
        var texts: [String] = []
        /// The index of each text in `texts`.
        var textIndex: [String: Int32] = [:]
        /// Per non-numeric cell: its row and the index of its text, in row order.
        var cells: [(row: Int, text: Int32)] = []
        /// Missing cells in kept rows.
        var missingCount = 0
        /// The first non-numeric cell: its line, its 1-based column in the file, its text.
        var first: (line: Int, column: Int, text: String)?
    }

    /// What makes a column categorical.
    let mode: CategoricalColumns
    /// Feature indices declared categorical (``CategoricalColumns/columns(_:)``).
    let declared: Set<Int>
    /// Per feature index, its cells; only columns that had a non-numeric or missing cell.
    private var columns: [Int: Column] = [:]
    /// The feature indices touched by the current row, to be undone if the row is dropped.
    private var rowTokens: [Int] = [], rowMissing: [Int] = []

    /// Gathers cells under `mode`, with `declared` the feature indices it names.
    init(mode: CategoricalColumns, declared: Set<Int>) {
        self.mode = mode
        self.declared = declared
    }

    /// Whether a cell that is not a number may be a category in feature column `feature`.
    func acceptsText(inFeature feature: Int) -> Bool {
        mode == .auto || declared.contains(feature)
    }

    /// Takes `text`, the trimmed text of `field` of `record`, a cell of feature column `feature`
    /// in kept row `row` (the `column`th in the file) that is neither a number nor missing.
    /// Throws when the cell is not UTF-8 text (two Latin-1 names would be one level).
    mutating func addText(_ text: String, of record: CSVRecord, _ field: Range<Int>, feature: Int, row: Int, column: Int,
                          file: String) throws {
        try record.checkUTF8(field, as: "category", column: column, file: file)
        let line = record.line
        var entry = columns[feature] ?? Column()
        let index: Int32
        if let known = entry.textIndex[text] {
            index = known
        } else {
            index = Int32(entry.texts.count)
            entry.textIndex[text] = index
            entry.texts.append(text)
        }
        entry.cells.append((row, index))
        if entry.first == nil { entry.first = (line, column, text) }
        columns[feature] = entry
        rowTokens.append(feature)
    }

    /// Counts a missing cell of feature column `feature` in the current row.
    mutating func addMissing(feature: Int) {
        columns[feature, default: Column()].missingCount += 1
        rowMissing.append(feature)
    }

    /// Ends the current row: kept, or dropped (its cells forgotten).
    mutating func endRow(dropped: Bool) {
        if dropped {
            for feature in rowTokens { columns[feature]!.cells.removeLast() }
            for feature in rowMissing { columns[feature]!.missingCount -= 1 }
        }
        rowTokens.removeAll(keepingCapacity: true)
        rowMissing.removeAll(keepingCapacity: true)
    }

    /// Turns each categorical column of `features` (row-major, `width` feature columns) into level
    /// indices and returns the columns' descriptions (`names` by feature index, `positions` their
    /// 1-based places in the file). Under ``CategoricalColumns/auto`` a column is categorical when
    /// its non-numeric cells outnumber its numbers; a mostly numeric column with such a cell is an
    /// error naming the first one. More than ``CategoricalColumns/maximumLevelCount`` levels is
    /// an error suggesting `--ignore-columns`.
    func resolve(_ features: inout [Float], width: Int, names: [String], positions: [Int], file: String) throws -> [FeatureColumn] {
        let rows = width == 0 ? 0 : features.count / width
        var result = (0..<width).map { FeatureColumn(name: names[$0], position: positions[$0]) }
        for feature in 0..<width {
            let entry = columns[feature] ?? Column()
            let numbers = rows - entry.cells.count - entry.missingCount
            let isCategorical = declared.contains(feature) || (mode == .auto && entry.cells.count > numbers)
            guard isCategorical else {
                if let first = entry.first {
                    throw DataError(file: file, line: first.line, column: first.column,
                                    message: "not a number in numeric column '\(names[feature])' (\(numbers) of its \(rows) cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical",
                                    text: DataError.cut(first.text))
                }
                continue
            }
            // Levels in order of first appearance down the column; a number is named by its value.
            var levels: [String] = [], levelIndex: [String: Int] = [:]
            var next = 0
            for row in 0..<rows {
                let slot = row * width + feature
                let name: String
                if next < entry.cells.count && entry.cells[next].row == row {
                    name = entry.texts[Int(entry.cells[next].text)]
                    next += 1
                } else if features[slot].isNaN {
                    continue
                } else {
                    name = FeatureColumn.levelName(features[slot])
                }
                let level: Int
                if let known = levelIndex[name] {
                    level = known
                } else {
                    level = levels.count
                    levelIndex[name] = level
                    levels.append(name)
                }
                features[slot] = Float(level)
            }
            guard levels.count <= CategoricalColumns.maximumLevelCount else {
                throw DataError(file: file, message: "column '\(names[feature])' has \(levels.count) categories, more than \(CategoricalColumns.maximumLevelCount) (an identifier or free text?); leave it out with --ignore-columns '\(names[feature])'")
            }
            result[feature].levels = levels
        }
        return result
    }
}
