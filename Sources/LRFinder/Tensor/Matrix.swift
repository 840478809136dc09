/// A dense row-major matrix of `Float`: element (r, c) lives at `storage[r * columns + c]`.
///
/// Batches are matrices with one sample per row; a dense layer's weights `W` (outputs x inputs,
/// PyTorch's layout) act as `Y = X Wᵀ`. Value semantics come from the copy-on-write `storage` array.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// The elements, row after row; `storage.count == rows * columns`.
    public var storage: [Float]

    /// A `rows` x `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    /// A `rows` x `columns` matrix over existing row-major elements.
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) elements, shape needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from nested rows (all rows of equal length); handy in tests.
    public init(_ nested: [[Float]]) {
        let columns = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: nested.count, columns: columns, storage: nested.flatMap { $0 })
    }

    /// Element at row `row`, column `column`.
    @inlinable public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Number of elements.
    @inlinable public var count: Int { rows * columns }

    /// The elements of one row, copied.
    public func row(_ index: Int) -> [Float] {
        Array(storage[(index * columns)..<((index + 1) * columns)])
    }

    /// Changes the number of rows, keeping the first `min(old, new)` rows; capacity is kept,
    /// so shrinking and growing back to a batch size allocates nothing.
    public mutating func resize(rows newRows: Int) {
        precondition(newRows >= 0)
        let needed = newRows * columns
        if needed < storage.count {
            storage.removeLast(storage.count - needed)
        } else if needed > storage.count {
            storage.append(contentsOf: repeatElement(0, count: needed - storage.count))
        }
        rows = newRows
    }

    /// The transpose, copied.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns {
                result.storage[c * rows + r] = storage[r * columns + c]
            }
        }
        return result
    }

    /// The rows at `indices`, in that order, as a new matrix.
    public func gatheringRows(_ indices: some Collection<Int>) -> Matrix {
        var result = Matrix(rows: indices.count, columns: columns)
        result.gatherRows(from: self, indices: indices)
        return result
    }

    /// Overwrites this matrix with the rows of `source` at `indices` (resizing the row count).
    public mutating func gatherRows(from source: Matrix, indices: some Collection<Int>) {
        precondition(source.columns == columns, "column counts differ")
        resize(rows: indices.count)
        let width = columns
        source.storage.withUnsafeBufferPointer { src in
            storage.withUnsafeMutableBufferPointer { dst in
                var target = 0
                for index in indices {
                    precondition(index >= 0 && index < source.rows, "row index out of range")
                    let from = src.baseAddress! + index * width
                    (dst.baseAddress! + target).update(from: from, count: width)
                    target += width
                }
            }
        }
    }
}
