import Foundation

extension TrainingRecord {
    /// The record with what the clock and the machine say set aside: every epoch's `seconds`, the
    /// result's `trainingSeconds`, `samplesPerSecond` and `validationSeconds`, the environment
    /// (threads, kernels, wall time) and the inputs (where the files were: the recipe names them
    /// by digest). Two runs of one recipe that computed the same numbers have equal records then.
    public var withoutTimings: TrainingRecord {
        var record = self
        for index in record.result.epochs.indices { record.result.epochs[index].seconds = 0 }
        record.result.trainingSeconds = 0
        record.result.samplesPerSecond = 0
        record.result.validationSeconds = nil
        record.environment = RunEnvironment(threads: 0, blasKernels: "", seconds: 0)
        record.inputs = RunInputs()
        return record
    }

    /// Where this record's results differ from `other`'s, timings set aside (``withoutTimings``):
    /// the first field that differs, as a path into the record's JSON (`result.epochs[1].trainLoss`);
    /// nil when the results are the same. A NaN (a diverged run's loss) equals a NaN.
    public func resultDifference(from other: TrainingRecord) -> String? {
        JSONDifference.first(between: withoutTimings, and: other.withoutTimings)
    }
}

private extension RunEnvironment {
    /// An environment of `threads` threads on `blasKernels`, taking `seconds`.
    init(threads: Int, blasKernels: String, seconds: Double) {
        self.init(seconds: seconds)
        (self.threads, self.blasKernels) = (threads, blasKernels)
    }
}

/// The first place where two values' JSON (``JSONDocument``: sorted keys, NaN as `null`) differs.
enum JSONDifference {
    /// The path (`record.result.epochs[1].trainLoss`; `` for the whole value) of the first field,
    /// in sorted key order, where the JSON of `first` and `second` differ; nil when it is the same.
    static func first(between first: some Encodable, and second: some Encodable) -> String? {
        guard let one = try? JSONDocument.encode(first, prettyPrinted: false),
              let two = try? JSONDocument.encode(second, prettyPrinted: false) else { return "" }
        guard one != two else { return nil }
        // The texts differ: walk both trees to the first field that does.
        guard let left = try? JSONSerialization.jsonObject(with: one, options: .fragmentsAllowed),
              let right = try? JSONSerialization.jsonObject(with: two, options: .fragmentsAllowed) else { return "" }
        return path(left, right, at: "") ?? ""
    }

    /// The path below `prefix` of the first field where `left` and `right` differ, or nil.
    private static func path(_ left: Any, _ right: Any, at prefix: String) -> String? {
        switch (left, right) {
        case let (left as [String: Any], right as [String: Any]):
            for key in Set(left.keys).union(right.keys).sorted() {
                let field = prefix.isEmpty ? key : "\(prefix).\(key)"
                guard let one = left[key], let two = right[key] else { return field }
                if let found = path(one, two, at: field) { return found }
            }
            return nil
        case let (left as [Any], right as [Any]):
            for (index, (one, two)) in zip(left, right).enumerated() {
                if let found = path(one, two, at: "\(prefix)[\(index)]") { return found }
            }
            return left.count == right.count ? nil : prefix
        default:
            // Numbers, strings, booleans and nulls: equal when their objects are.
            return (left as? NSObject)?.isEqual(right) == true ? nil : prefix
        }
    }
}
