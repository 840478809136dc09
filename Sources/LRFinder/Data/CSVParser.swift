import Foundation

/// Parses a CSV file straight into a feature matrix and class labels: records from a
/// ``CSVRecordStream`` (the file read piece by piece, never whole), each numeric field's number
/// scanned where it lies (no String per field, one pass over the bytes of a record); a quoted
/// field, the label and ignored columns take a slower path.
struct CSVParser {
    let path: String
    let source: CSVSource
    /// nil: the file has no label column (new data to predict on).
    let labelColumn: LabelColumn?
    let header: HeaderMode
    var delimiter: CSVDelimiter = .auto
    var ignoredColumns: [CSVColumn] = []
    var missing: MissingValues = .error
    var categorical: CategoricalColumns = .auto
    /// Classification or regression; nil: inferred from the label column (``CSVLabels``).
    var task: Task?
    /// Whether a first column that looks like pandas' row index is kept as a feature
    /// (``PandasIndexColumn``); by default it is ignored, with a note.
    var keepsIndexColumn = false

    /// What a column is for.
    private enum Role { case feature, label, ignored }

    /// The data set (its delimiter set), or the first problem found.
    func parse() throws -> Dataset {
        let separator = delimiter == .auto ? try CSVDelimiter.detected(in: source) : delimiter
        var reader = source.records(delimiter: separator.byte!)
        // `first` is valid until the next record is read.
        guard let first = try reader.next() else { throw DataError(file: path, message: "no data rows") }
        let firstFields = first.fields
        let fieldCount = firstFields.count
        guard fieldCount >= (labelColumn == nil ? 1 : 2) else {
            throw DataError(file: path, line: first.line, message: "a row needs at least one feature and a label, found \(fieldCount) field")
        }
        let names = firstFields.map { first.text(of: $0).trimmingSpaces }
        let declaredColumns: [CSVColumn]
        if case let .columns(list) = categorical { declaredColumns = list } else { declaredColumns = [] }
        let usesNames = labelColumn?.isNamed == true || (ignoredColumns + declaredColumns).contains { if case .name = $0 { true } else { false } }
        if usesNames && header == .absent {
            throw DataError(file: path, message: "columns are named but the file has no header row (--header absent)")
        }
        // The header's names by name (a blank cell's as `column N`), built once: when a column is
        // named or the first record is a header, which must not name two columns alike.
        lazy var columnIndex = CSVColumnIndex(names)
        var isHeaderChecked = false
        func checkHeader() throws {
            guard !isHeaderChecked else { return }
            isHeaderChecked = true
            try columnIndex.checkUnique(file: path, line: first.line)
        }
        func index(of column: CSVColumn, role: String) throws -> Int {
            switch column {
            case let .index(index):
                guard index >= 0 && index < fieldCount else {
                    throw DataError(file: path, line: first.line, message: "\(role) column \(index + 1) does not exist: rows have \(fieldCount) fields")
                }
                return index
            case let .name(name):
                try checkHeader()
                guard let index = columnIndex.position(of: name) else {
                    throw DataError(file: path, line: first.line,
                                    message: "no \(role) column '\(name)' in the header; its columns: \(CSVColumnIndex.listed(columnIndex.names))")
                }
                return index
            }
        }
        let labelIndex: Int?
        switch labelColumn {
        case nil: labelIndex = nil
        case .first: labelIndex = 0
        case .last: labelIndex = fieldCount - 1
        case let .index(column): labelIndex = try index(of: .index(column), role: "label")
        case let .name(name): labelIndex = try index(of: .name(name), role: "label")
        }
        var roles = [Role](repeating: .feature, count: fieldCount)
        for column in ignoredColumns {
            let ignored = try index(of: column, role: "ignored")
            guard ignored != labelIndex else {
                throw DataError(file: path, message: "the ignored \(column.shown) is the label column")
            }
            roles[ignored] = .ignored
        }
        if let labelIndex { roles[labelIndex] = .label }
        let skipped = Set(roles.indices.filter { roles[$0] != .feature })
        let hasHeader = header == .present || (header == .auto && (usesNames || Self.looksLikeHeader(first, skipping: skipped)))
        if hasHeader { try checkHeader() }
        guard roles.contains(.feature) else { throw DataError(file: path, message: "no feature column left") }
        let featurePositions = roles.indices.filter { roles[$0] == .feature }
        var declared = Set<Int>()
        // Each column's feature index (nil: the label or an ignored column), built once for the
        // categorical columns named.
        var featureIndices: [Int?] = []
        if !declaredColumns.isEmpty {
            featureIndices = [Int?](repeating: nil, count: fieldCount)
            for (feature, position) in featurePositions.enumerated() { featureIndices[position] = feature }
            ColumnLookupCount.add(fieldCount)
        }
        for column in declaredColumns {
            let index = try index(of: column, role: "categorical")
            ColumnLookupCount.add(1)
            guard let feature = featureIndices[index] else {
                throw DataError(file: path, message: "the categorical \(column.shown) is the label column or an ignored one")
            }
            declared.insert(feature)
        }
        var categories = CSVCategories(mode: categorical, declared: declared)
        // Runs of columns with the same role, so that a row of features takes one tight loop.
        var runs: [(role: Role, count: Int)] = []
        for role in roles {
            if let last = runs.last, last.role == role { runs[runs.count - 1].count += 1 } else { runs.append((role, 1)) }
        }
        let featureCount = roles.count { $0 == .feature }
        // pandas' row index (``PandasIndexColumn``): a first column, a feature not named in
        // --categorical, under a blank or `Unnamed: 0` header cell; ignored at the end if every
        // data row (dropped ones too) holds its 0-based number there.
        var mayBeIndex = hasHeader && !keepsIndexColumn && roles[0] == .feature && !declared.contains(0)
            && PandasIndexColumn.isIndexName(names[0])
        var dataRowCount = 0
        // Under --missing drop: the rows left out, and the first missing cell (its location and text).
        var droppedCount = 0
        var firstMissing: DataError?
        // A column's name that is not UTF-8 would be kept, and matched, with U+FFFD for its bad bytes.
        for position in featurePositions + [labelIndex].compactMap({ $0 }) where hasHeader {
            try first.checkUTF8(firstFields[position], as: "column name", column: position + 1, file: path)
        }

        var features: [Float] = []
        var labels = CSVLabels(task: task)
        // The values of the row being read, appended to `features` at its end.
        var row = FeatureRow(capacity: featureCount)
        defer { row.deallocate() }
        var reserved = false

        /// Reserves room for as many rows as those like `record` (the first data row) that fill the
        /// file; any more grow the storage.
        func reserve(rowsLike record: CSVRecord) {
            reserved = true
            guard let size = source.expectedSize else { return }
            // A row takes at least one byte per field (a delimiter or its line end).
            let most = size / fieldCount + 1
            let estimate = Int(Double(size) / Double(record.range.count + 1) * 1.1) + 16
            // Room beyond a quarter of the usable memory is not reserved ahead (pages reserved but
            // not written take no memory, but an allocation larger than the machine, or than the
            // address-space limit, ends the process): the features and the labels together, which
            // outweigh a row of one feature.
            let labelBytes = labelIndex == nil ? 0 : labels.bytesPerLabel
            let affordable = ProcessMemory.reservation(Int.max) / (MemoryLayout<Float>.size * featureCount + labelBytes)
            let rows = min(estimate, most, affordable)
            features.reserveCapacity(featureCount * rows)
            if labelIndex != nil { labels.reserveCapacity(rows) }
        }

        func read(_ record: CSVRecord) throws {
            if !reserved { reserve(rowsLike: record) }
            row.removeAll()
            var cursor = record.range.lowerBound
            var column = 0
            var hasMissingValue = false, hasOtherCell = false
            for run in runs {
                switch run.role {
                case .feature:
                    for _ in 0..<run.count {
                        if let (value, end) = record.floatField(at: cursor) {
                            row.append(Float(value))
                            cursor = end + 1
                        } else {
                            let (value, end, isMissing) = try feature(record, at: cursor, column: column + 1, fieldCount: fieldCount,
                                                               featureIndex: row.count, row: features.count / featureCount,
                                                               categories: &categories)
                            if isMissing && firstMissing == nil {
                                firstMissing = DataError(file: path, line: record.line, column: column + 1, message: "",
                                                         text: record.shownText(of: cursor..<end))
                            }
                            row.append(value)
                            hasMissingValue = hasMissingValue || isMissing
                            hasOtherCell = true
                            cursor = end + 1
                        }
                        column += 1
                    }
                case .label:
                    let end = try fieldEnd(record, cursor, fieldCount: fieldCount)
                    try labels.add(record, cursor..<end, column: column + 1, file: path)
                    cursor = end + 1
                    column += 1
                case .ignored:
                    for _ in 0..<run.count {
                        cursor = try fieldEnd(record, cursor, fieldCount: fieldCount) + 1
                        column += 1
                    }
                }
            }
            guard cursor == record.range.upperBound + 1 else { throw fieldCountError(record, expected: fieldCount) }
            // Feature 0 is column 1 while it may be the index (Floats: exact up to 2^24 rows).
            if mayBeIndex { mayBeIndex = row.values[0] == Float(dataRowCount) }
            dataRowCount += 1
            let dropped = hasMissingValue && missing == .drop
            if dropped {
                droppedCount += 1
                if labelIndex != nil { labels.removeLast() }
            } else {
                if features.count + featureCount > features.capacity {
                    // The storage doubles next: refuse a size the process cannot hold.
                    try ProcessMemory.checkFits(2 * Swift.max(features.capacity, featureCount) * MemoryLayout<Float>.size, file: path)
                }
                features.append(contentsOf: row.values)
            }
            if hasOtherCell { categories.endRow(dropped: dropped) }
        }

        if !hasHeader { try read(first) }
        while let record = try reader.next() { try read(record) }
        // Only whole rows are appended (featureCount >= 1: a feature column is left, checked above).
        let rowCount = features.count / featureCount
        guard rowCount > 0 else {
            guard droppedCount > 0, var error = firstMissing else { throw DataError(file: path, message: "no data rows") }
            error.message = droppedCount == 1 ? "the one data row has a missing value, so --missing drop left none"
                : "all \(droppedCount) data rows have a missing value, so --missing drop left none; the first"
            throw error
        }
        let columnNames = featurePositions.map { hasHeader ? columnIndex.names[$0] : CSVColumnIndex.generatedName(position: $0) }
        var columns = try categories.resolve(&features, width: featureCount, names: columnNames,
                                             positions: featurePositions.map { $0 + 1 }, file: path)
        // pandas' index, all numbers (its cells untouched by the categories): left out.
        var width = featureCount
        var notes: [String] = []
        if mayBeIndex {
            let note = PandasIndexColumn.note(header: names[0], rowCount: dataRowCount)
            guard featureCount > 1 else { throw DataError(file: path, message: "no feature column left: \(note)") }
            PandasIndexColumn.removeFirstColumn(of: &features, width: featureCount)
            columns.removeFirst()
            width -= 1
            notes.append(note)
        }
        // Without a label column every row is class 0 of one unnamed class.
        let (targets, classNames, taskNote) = labelIndex == nil
            ? (Targets.classes([Int32](repeating: 0, count: rowCount), count: 1), [""], nil) : try labels.targets(file: path)
        var dataset = Dataset(features: Matrix(rows: targets.count, columns: width, storage: features), targets: targets,
                              source: path, classNames: classNames)
        dataset.delimiter = separator
        dataset.columns = columns
        dataset.taskNote = taskNote
        dataset.notes = notes
        dataset.ignoredIndexColumn = mayBeIndex ? 1 : nil
        return dataset
    }

    /// Reads a field of feature column `featureIndex` (the file's `column`th) in kept row `row`
    /// that is not a plain number: a quoted number, a missing value (when `missing` allows it) or
    /// a category's text (when `categories` accepts one there); returns the number (NaN for the
    /// other two), the field's end and whether it is missing. Kept out of the hot loop.
    @inline(never)
    private func feature(_ record: CSVRecord, at start: Int, column: Int, fieldCount: Int, featureIndex: Int, row: Int,
                         categories: inout CSVCategories) throws -> (value: Float, end: Int, isMissing: Bool) {
        let end = try fieldEnd(record, start, fieldCount: fieldCount)
        if let value = record.number(in: start..<end, fitting: .float) { return (Float(value), end, false) }
        if MissingValues.isMissing(record, start..<end) {
            guard missing != .error else { throw MissingValues.error(record, start..<end, column: column, file: path) }
            categories.addMissing(feature: featureIndex)
            return (.nan, end, true)
        }
        guard let text = record.unquotedText(of: start..<end), record.number(in: start..<end, fitting: .unbounded) == nil else {
            throw record.numberError(in: start..<end, column: column, file: path, fitting: .float)
        }
        // A number written with a decimal comma (`1,5`) is not a category.
        let pointed = text.replacingOccurrences(of: ",", with: ".")
        if pointed != text && CSVRecord.number(in: pointed, fitting: .unbounded) != nil {
            throw record.numberError(in: start..<end, column: column, file: path, fitting: .float)
        }
        guard categories.acceptsText(inFeature: featureIndex) else {
            throw DataError(file: path, line: record.line, column: column,
                            message: "not a number (to one-hot encode the column as categories, name it in --categorical)",
                            text: record.shownText(of: start..<end))
        }
        try categories.addText(text.trimmingSpaces, of: record, start..<end, feature: featureIndex, row: row, column: column, file: path)
        return (.nan, end, false)
    }

    /// The end of the field at `start` of `record`; throws when the record has no field there.
    private func fieldEnd(_ record: CSVRecord, _ start: Int, fieldCount: Int) throws -> Int {
        guard start <= record.range.upperBound else { throw fieldCountError(record, expected: fieldCount) }
        return record.fieldEnd(from: start)
    }

    /// "row has N fields, expected M".
    private func fieldCountError(_ record: CSVRecord, expected: Int) -> DataError {
        DataError(file: path, line: record.line, message: "row has \(record.fieldCount) fields, expected \(expected)", text: record.shownText)
    }

    /// Whether the first record is a header (under `--header auto`): a field other than those at
    /// `skipped` (the label and ignored columns, which may hold names) is neither a number (of any
    /// size: an out-of-range value is data, and an error) nor a missing value, or the record is exactly
    /// `0,1,2,...,n-1`, the column names pandas gives a frame without names (after a blank cell,
    /// its index column's: `,0,1,...,n-2`).
    static func looksLikeHeader(_ record: CSVRecord, skipping skipped: Set<Int> = []) -> Bool {
        let fields = record.fields
        guard fields.indices.allSatisfy({ skipped.contains($0) || record.number(in: fields[$0], fitting: .unbounded) != nil
            || MissingValues.isMissing(record, fields[$0]) }) else { return true }
        let indexed = fields.count > 1 && record.text(of: fields[0]).isEmpty ? 1 : 0
        return fields.enumerated().allSatisfy { index, field in index < indexed || record.text(of: field) == String(index - indexed) }
    }
}

/// The feature values of one row as it is read: a buffer of the row's width that takes a value
/// without the checks of an array's append, appended to the matrix's storage once per row.
struct FeatureRow {
    private var start: UnsafeMutablePointer<Float>
    private var capacity: Int
    /// Values added since ``removeAll()``.
    private(set) var count = 0

    /// An empty row with room for `capacity` values.
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        start = .allocate(capacity: self.capacity)
    }

    /// The values added since ``removeAll()``.
    var values: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: start, count: count) }

    /// Adds a value (growing the row if it is full).
    @inline(__always)
    mutating func append(_ value: Float) {
        if count == capacity { grow() }
        start[count] = value
        count += 1
    }

    /// Forgets the values (keeping the room).
    mutating func removeAll() { count = 0 }

    /// Frees the room.
    func deallocate() { start.deallocate() }

    /// Twice the room, values kept.
    @inline(never)
    private mutating func grow() {
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: 2 * capacity)
        grown.initialize(from: start, count: count)
        start.deallocate()
        start = grown
        capacity *= 2
    }
}
