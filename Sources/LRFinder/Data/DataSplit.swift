import Foundation

/// Sizes of the train, validation and test splits.
public enum SplitSizes: Hashable, Codable, Sendable {
    /// Exact sample counts.
    case counts(train: Int, validation: Int, test: Int)
    /// Fractions of the data set (summing to at most 1); counts are rounded down, train gets the rest.
    case fractions(train: Double, validation: Double, test: Double)

    /// Parses `3000,1000,1000` (counts) or `0.6,0.2,0.2` (fractions). Three integers that add
    /// up to at most 1 (`1,0,0`, `0,0,1`) are refused as ambiguous: `1.0,0,0` are fractions.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 else {
            throw SplitSizesError(description: "expected three sizes train,validation,test (e.g. 3000,1000,1000 or 0.6,0.2,0.2), got '\(text)'")
        }
        if parts.allSatisfy({ Int($0) != nil }), let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) {
            let countsMessage = "counts must be >= 0 and the training count > 0, got '\(text)'"
            guard a >= 0, b >= 0, c >= 0 else { throw SplitSizesError(description: countsMessage) }
            // "1,0,0" reads as counts (one training sample) but was most likely meant as fractions.
            guard max(a, b, c) > 1 || a + b + c > 1 else {
                throw SplitSizesError(description: "'\(text)' is ambiguous: as counts it is \(a + b + c) sample in all; write \(a).0,\(b),\(c) for fractions, or give counts that fit the data (e.g. 3000,1000,1000)")
            }
            guard a > 0 else { throw SplitSizesError(description: countsMessage) }
            self = .counts(train: a, validation: b, test: c)
            return
        }
        let values = parts.map { Double($0) }
        guard values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else {
            throw SplitSizesError(description: "sizes must be whole counts or fractions in [0, 1], got '\(text)'")
        }
        let (a, b, c) = (values[0]!, values[1]!, values[2]!)
        guard a > 0, a + b + c <= 1 + 1e-9 else {
            throw SplitSizesError(description: "fractions must sum to at most 1 with a training fraction > 0, got '\(text)'")
        }
        self = .fractions(train: a, validation: b, test: c)
    }

    /// The three counts for a data set of `total` samples.
    public func counts(total: Int) -> (train: Int, validation: Int, test: Int) {
        switch self {
        case let .counts(train, validation, test):
            return (train, validation, test)
        case let .fractions(train, validation, test):
            let validationCount = Int((validation * Double(total)).rounded(.down))
            let testCount = Int((test * Double(total)).rounded(.down))
            let trainCount = train + validation + test >= 1 - 1e-9
                ? total - validationCount - testCount
                : Int((train * Double(total)).rounded(.down))
            return (trainCount, validationCount, testCount)
        }
    }
}

/// Split sizes that do not parse or do not fit the data, in one line.
public struct SplitSizesError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message.
    public var description: String
}

/// A seeded train / validation / test split, stratified by class for classification targets
/// (regression targets are split at random).
///
/// Each class's samples are shuffled, then all samples are ordered by their relative rank within
/// their class ((rank + 0.5) / class size, ties by class), so that every prefix of the order holds
/// the classes in proportion (within one sample per class). The splits take consecutive runs of
/// that order; each split is then shuffled.
public struct DataSplit: Sendable {
    /// Training samples.
    public var train: Dataset
    /// Validation samples.
    public var validation: Dataset
    /// Test samples.
    public var test: Dataset

    /// Splits `dataset` by `sizes`, reproducibly for a given `seed`.
    public init(stratifying dataset: Dataset, sizes: SplitSizes, seed: UInt64) throws {
        let total = dataset.count
        let (trainCount, validationCount, testCount) = sizes.counts(total: total)
        guard trainCount > 0 else { throw SplitSizesError(description: "the training split would be empty") }
        guard trainCount + validationCount + testCount <= total else {
            throw SplitSizesError(description: "split \(trainCount) + \(validationCount) + \(testCount) exceeds the \(total) samples of \(dataset.source)")
        }
        var random = RandomSource(seed: seed)
        let order: [Int]
        if case .classes(let labels, let classCount) = dataset.targets {
            var byClass = [[Int]](repeating: [], count: classCount)
            for (index, label) in labels.enumerated() { byClass[Int(label)].append(index) }
            var keyed: [(key: Double, label: Int, index: Int)] = []
            keyed.reserveCapacity(total)
            for label in byClass.indices {
                random.shuffle(&byClass[label])
                let size = Double(byClass[label].count)
                for (rank, index) in byClass[label].enumerated() { keyed.append(((Double(rank) + 0.5) / size, label, index)) }
            }
            keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.label < $1.label }
            order = keyed.map(\.index)
        } else {
            var shuffled = Array(0..<total)
            random.shuffle(&shuffled)
            order = shuffled
        }
        func part(_ range: Range<Int>) -> Dataset {
            var indices = Array(order[range])
            random.shuffle(&indices)
            return dataset.subset(indices)
        }
        train = part(0..<trainCount)
        validation = part(trainCount..<(trainCount + validationCount))
        test = part((trainCount + validationCount)..<(trainCount + validationCount + testCount))
    }
}

/// Batches over a data set in a fresh seeded order every epoch, as PyTorch's `DataLoader` with
/// `shuffle=True`: full batches then a smaller last one (dropped with `dropLast`).
public struct BatchSampler: Sendable {
    /// Samples per batch.
    public let batchSize: Int
    /// Whether the last, smaller batch is left out.
    public let dropLast: Bool
    private var order: [Int]
    private var random: RandomSource
    private let shuffles: Bool

    /// A sampler over `sampleCount` samples.
    public init(sampleCount: Int, batchSize: Int, seed: UInt64, shuffle: Bool = true, dropLast: Bool = false) {
        precondition(batchSize > 0)
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.order = Array(0..<sampleCount)
        self.random = RandomSource(seed: seed)
        self.shuffles = shuffle
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int { Self.batchCount(samples: order.count, batchSize: batchSize, dropLast: dropLast) }

    /// Batches in one epoch over `samples` samples: the full batches, plus the smaller last one
    /// unless `dropLast`.
    public static func batchCount(samples: Int, batchSize: Int, dropLast: Bool = false) -> Int {
        dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize
    }

    /// The next epoch's batches, as slices of one permutation of the sample indices.
    public mutating func nextEpoch() -> [ArraySlice<Int>] {
        if shuffles { random.shuffle(&order) }
        let current = order
        return (0..<batchesPerEpoch).map { b in current[(b * batchSize)..<Swift.min((b + 1) * batchSize, current.count)] }
    }
}
