import Foundation

/// Refusing a model that cannot fit in memory before it is built: a failed allocation aborts the
/// process with a backtrace, so `dense:100000000` must be an error naming the figure. The estimate
/// is ``MemoryEstimate``; the limit is the machine's physical memory, or the process's
/// address-space limit (`ulimit -v`) when that is lower (``ProcessMemory/usableBytes``).
public enum MemoryLimit {
    /// Before the data is loaded: refuses a model that would not fit even on data of one feature
    /// and one output, trained in batches of one (a lower bound; a model with pooling needs the
    /// data's image shape and is checked after loading only).
    /// - Throws: ``RecipeError`` on ``RecipeSetting/model`` naming the bytes needed.
    public static func checkBeforeLoading(_ spec: ModelSpec, optimizer: OptimizerSettings, copies: Int) throws {
        guard !spec.needsImage else { return }
        try check(spec, inputShape: .vector(1), outputs: 1, optimizer: optimizer, cyclesMomentum: false, batchSize: 1,
                  evaluationBatchSize: 0, keepsBestWeights: false, copies: copies, lowerBound: true)
    }

    /// Once the data is loaded: refuses a model whose training on `data` (inputs of `inputShape`)
    /// needs more than the physical memory.
    /// - Parameter copies: copies of the network and its training workspace held at once (2 for
    ///   a range test, which trains a copy of the trainer it is given, and for bench).
    /// - Throws: ``RecipeError`` on ``RecipeSetting/model`` naming the bytes needed.
    public static func check(_ spec: ModelSpec, inputShape: TensorShape, for data: PreparedData, optimizer: OptimizerSettings,
                             cyclesMomentum: Bool, batchSize: Int, keepsBestWeights: Bool, copies: Int) throws {
        // EmbeddedTrainer's sizes: batches of at most the training split, evaluation by up to 1,000.
        let evaluated = Swift.max(data.validation.count, data.test.count)
        try check(spec, inputShape: inputShape, outputs: data.outputWidth, optimizer: optimizer, cyclesMomentum: cyclesMomentum,
                  batchSize: Swift.min(batchSize, data.train.count), evaluationBatchSize: Swift.min(1000, evaluated),
                  keepsBestWeights: keepsBestWeights, copies: copies, lowerBound: false)
    }

    private static func check(_ spec: ModelSpec, inputShape: TensorShape, outputs: Int, optimizer: OptimizerSettings, cyclesMomentum: Bool,
                              batchSize: Int, evaluationBatchSize: Int, keepsBestWeights: Bool, copies: Int, lowerBound: Bool) throws {
        func fail(_ reason: String) -> RecipeError { RecipeError(setting: .model, value: spec.name, reason: reason) }
        let layout: NetworkLayout
        // On one feature a dense-only stack can fail only by overflowing: the data cannot help.
        do { layout = try NetworkLayout(layers: spec.layers(outputs: outputs), inputShape: inputShape) } catch let error as NetworkError {
            throw RecipeError(setting: .model, reason: "\(error)")
        }
        let (usable, limitText) = ProcessMemory.usableBytes
        guard let estimate = MemoryEstimate(layout: layout, optimizer: optimizer, cyclesMomentum: cyclesMomentum, batchSize: batchSize,
                                            evaluationBatchSize: evaluationBatchSize, keepsBestWeights: keepsBestWeights),
              let total = total(estimate, copies: copies) else {
            throw fail("its buffers need more bytes than a 64-bit count holds, more than \(limitText)")
        }
        guard UInt64(total) > usable else { return }
        let parts = "\(layout.parameterCount) parameters: network \(NumberText.bytes(estimate.network)), optimizer state \(NumberText.bytes(estimate.optimizerState)), workspaces \(NumberText.bytes(estimate.workspace + estimate.evaluationWorkspace))"
            + (copies > 1 ? "; network and workspace held \(copies) times" : "")
        throw fail("training it needs \(lowerBound ? "at least" : "about") \(NumberText.bytes(total))\(lowerBound ? " even on data of one feature" : "") (\(parts)), more than \(limitText)")
    }

    /// The estimate with `copies` of the network and its workspace; nil on overflow.
    private static func total(_ estimate: MemoryEstimate, copies: Int) -> Int? {
        guard let total = estimate.total else { return nil }
        let (model, overflow) = estimate.network.addingReportingOverflow(estimate.workspace)
        let (copy, overflow2) = model.multipliedReportingOverflow(by: Swift.max(copies - 1, 0))
        let (sum, overflow3) = total.addingReportingOverflow(copy)
        return overflow || overflow2 || overflow3 ? nil : sum
    }

}

extension ScheduleSpec {
    /// Whether the schedule cycles the momentum (cyclic and onecycle unless `momentum=false`,
    /// also inside a sequence or chain), which gives SGD a momentum buffer.
    public var cyclesMomentum: Bool {
        switch kind {
        case let .cyclic(settings): return settings.cyclesMomentum != false
        case let .oneCycle(settings): return settings.cyclesMomentum != false
        case let .sequential(children, _), let .chain(children): return children.contains(where: \.cyclesMomentum)
        default: return false
        }
    }
}
