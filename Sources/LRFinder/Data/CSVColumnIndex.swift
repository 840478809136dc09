import Foundation

/// The columns of a CSV header looked up by name: each name's first position, found in one hash
/// lookup from a dictionary built in one pass over the names, so that matching n named columns
/// against a header of n columns (`predict` on 100,000 columns) takes time in n, not n². A blank
/// header cell is named by its 1-based position, `column N`, as its feature column is. A name
/// held twice is found at its first position, and kept in ``duplicate`` for the reader to refuse
/// (``checkUnique(file:line:)``): it would read the second column as the first.
struct CSVColumnIndex {
    /// Two columns of the header with one name.
    struct Duplicate: Equatable {
        /// The name (`column N` for a blank cell).
        var name: String
        /// The 0-based positions of the first two columns with the name.
        var first: Int, second: Int
        /// Whether one of the two is a blank cell named by its position.
        var isGenerated: Bool
    }

    /// The header's names, in order, a blank cell's as `column N`.
    let names: [String]
    /// The first name held twice, the one at the smallest second position; nil when all differ.
    let duplicate: Duplicate?
    /// The first position of each name.
    private let firstPositions: [String: Int]

    /// The index of the header cells `names` (trimmed; a blank one named `column N`).
    init(_ names: [String]) {
        let named = names.enumerated().map { $0.element.isEmpty ? Self.generatedName(position: $0.offset) : $0.element }
        self.names = named
        var positions: [String: Int] = [:]
        positions.reserveCapacity(named.count)
        var duplicate: Duplicate?
        for (position, name) in named.enumerated() {
            if let first = positions[name] {
                if duplicate == nil {
                    duplicate = Duplicate(name: name, first: first, second: position, isGenerated: names[first].isEmpty || names[position].isEmpty)
                }
            } else {
                positions[name] = position
            }
        }
        firstPositions = positions
        self.duplicate = duplicate
        ColumnLookupCount.add(names.count)
    }

    /// The name of a blank header cell at 0-based `position` (and of every column of a file
    /// without a header): `column N`, N 1-based.
    static func generatedName(position: Int) -> String { "column \(position + 1)" }

    /// Throws "column 'NAME' appears twice in the header (columns I and J)" for ``duplicate``,
    /// `line` the header's line in `file`.
    func checkUnique(file: String, line: Int) throws {
        guard let duplicate else { return }
        let blank = duplicate.isGenerated ? "; a blank header cell is named by its position" : ""
        throw DataError(file: file, line: line,
                        message: "column '\(duplicate.name)' appears twice in the header (columns \(duplicate.first + 1) and \(duplicate.second + 1)\(blank))")
    }

    /// The 0-based position of the first column named `name`, or nil.
    func position(of name: String) -> Int? {
        ColumnLookupCount.add(1)
        return firstPositions[name]
    }

    /// Whether a column is named `name`.
    func contains(_ name: String) -> Bool { position(of: name) != nil }

    /// The names listed for a message: the first `limit`, then how many there are in all, so that
    /// a header of 100,000 columns does not make a message of megabytes.
    static func listed(_ names: [String], limit: Int = 20) -> String {
        names.count <= limit ? names.joined(separator: ", ")
            : names.prefix(limit).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }
}

/// The columns examined while matching columns by name or position (``CSVColumnIndex``, the
/// parser's feature positions, `predict`'s level check), counted for the current task when a test
/// asks: one per column when an index is built, one per lookup. A quadratic match (each lookup a
/// scan of the columns, as before issue 22) counts columns² instead.
final class ColumnLookupCount: @unchecked Sendable {
    /// The count of the current task, when it is being counted.
    @TaskLocal static var current: ColumnLookupCount?

    /// Guards `count`.
    private let lock = NSLock()
    /// The columns examined so far.
    private var count = 0

    /// A count from zero.
    init() {}

    /// The columns examined so far.
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    /// Adds `columns` examined to the current task's count, if it is counted.
    static func add(_ columns: Int) {
        guard let counter = current else { return }
        counter.lock.lock()
        counter.count += columns
        counter.lock.unlock()
    }
}
