import Foundation

/// The row index pandas writes as a CSV file's first column (`df.to_csv(path)` without
/// `index=False`): a header cell that is blank, or `Unnamed: 0` (the name pandas gives that
/// column when the file is read and written again), over the rows' numbers 0, 1, ..., N-1. As a
/// feature it is the rows' order, which in a file sorted by label gives the label away, so the
/// CSV parser leaves out such a column (with a note) unless asked to keep it
/// (``DataRecipe/keepsIndexColumn``, `--keep-index-column`). Only the first column, only under a
/// header, only a feature (not the label, nor an ignored or categorical column named by the user),
/// and only when every data row, those `--missing drop` leaves out too, holds its 0-based number.
enum PandasIndexColumn {
    /// Whether a trimmed header cell is one pandas gives its index column: blank or `Unnamed: 0`.
    static func isIndexName(_ name: String) -> Bool { name.isEmpty || name == "Unnamed: 0" }

    /// `column 1 (blank header, values 0..N-1) looks like a pandas index and is ignored;
    /// --keep-index-column to use it`, for the column under the header cell `header` of a file of
    /// `rowCount` data rows.
    static func note(header: String, rowCount: Int) -> String {
        let shown = header.isEmpty ? "blank header" : "'\(header)'"
        return "column 1 (\(shown), values 0..\(rowCount - 1)) looks like a pandas index and is ignored; --keep-index-column to use it"
    }

    /// Removes the first of the `width` columns of the row-major `values` (`width` >= 1), in
    /// place: each row's other values move to the row's new start, in one pass.
    static func removeFirstColumn(of values: inout [Float], width: Int) {
        let rows = values.count / width
        guard rows > 0 else { return }
        values.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            // A row's new start is at or before its old one: a forward move, overlapping or not.
            for row in 0..<rows { (base + row * (width - 1)).update(from: base + row * width + 1, count: width - 1) }
        }
        values.removeLast(rows)
    }
}
