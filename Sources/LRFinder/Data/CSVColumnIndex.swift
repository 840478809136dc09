import Foundation

/// The columns of a CSV header looked up by name: each name's first position, found in one hash
/// lookup from a dictionary built in one pass over the names, so that matching n named columns
/// against a header of n columns (`predict` on 100,000 columns) takes time in n, not n².
struct CSVColumnIndex {
    /// The header's names, in order.
    let names: [String]
    /// The first position of each name.
    private let firstPositions: [String: Int]

    /// The index of `names` (a name held twice is found at its first position).
    init(_ names: [String]) {
        self.names = names
        firstPositions = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        ColumnLookupCount.add(names.count)
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
