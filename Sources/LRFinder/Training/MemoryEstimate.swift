/// The memory an ``EmbeddedTrainer`` takes for its model, worked out from the compiled
/// ``NetworkLayout`` before anything is allocated. A failed allocation aborts the process (Swift
/// cannot recover from it), so a model that cannot fit has to be refused before it is built:
/// `--model dense:100000000` on 784 features asks for 78 billion weights.
///
/// Counted: the parameters and the state vector; the parameter gradient, the activations, their
/// gradients and the scratch of the training workspace (``Workspace/estimatedBytes(layout:capacity:)``,
/// which is what the workspace allocates); the evaluation workspace (activations only); the optimizer's state, in
/// vectors of the parameters' length (``OptimizerSettings/stateVectorCount(cyclesMomentum:)``);
/// and the kept best weights of early stopping. Not counted: the data set, which is loaded
/// already, and the few small arrays of a step.
public struct MemoryEstimate: Equatable, Sendable {
    /// Bytes of one copy of the network: its parameters and its state vector.
    public var network: Int
    /// Bytes of the optimizer's state.
    public var optimizerState: Int
    /// Bytes of the training workspace, parameter gradient included.
    public var workspace: Int
    /// Bytes of the evaluation workspace (zero without a split to evaluate).
    public var evaluationWorkspace: Int
    /// Bytes of the best weights kept by early stopping (zero without it).
    public var bestWeights: Int

    /// The estimate for `layout` trained by `optimizer` on batches of `batchSize` and evaluated
    /// in batches of `evaluationBatchSize` (0: never); nil when a count overflows Int, which no
    /// machine could hold anyway.
    /// - Parameters:
    ///   - cyclesMomentum: whether a schedule cycles the momentum (SGD then keeps a momentum
    ///     buffer even when configured without momentum, as PyTorch's does).
    ///   - keepsBestWeights: whether early stopping keeps a copy of the best weights.
    public init?(layout: NetworkLayout, optimizer: OptimizerSettings, cyclesMomentum: Bool = false, batchSize: Int,
                 evaluationBatchSize: Int, keepsBestWeights: Bool = false) {
        func bytes(ofFloats count: Int) -> Int? {
            let (product, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
            return overflow ? nil : product
        }
        let (values, overflow) = layout.parameterCount.addingReportingOverflow(layout.stateCount)
        let (stateValues, overflow2) = layout.parameterCount.multipliedReportingOverflow(by: optimizer.stateVectorCount(cyclesMomentum: cyclesMomentum))
        guard !overflow, !overflow2, let network = bytes(ofFloats: values), let state = bytes(ofFloats: stateValues),
              let workspace = Workspace.estimatedBytes(layout: layout, capacity: Swift.max(batchSize, 1)),
              let evaluation = evaluationBatchSize > 0 ? Workspace.estimatedBytes(layout: layout, capacity: evaluationBatchSize, trains: false) : 0 else {
            return nil
        }
        self.network = network
        self.optimizerState = state
        self.workspace = workspace
        self.evaluationWorkspace = evaluation
        self.bestWeights = keepsBestWeights ? network : 0
        guard total != nil else { return nil }
    }

    /// Bytes in all; nil when the sum overflows Int.
    public var total: Int? {
        var sum = 0
        for part in [network, optimizerState, workspace, evaluationWorkspace, bestWeights] {
            let (next, overflow) = sum.addingReportingOverflow(part)
            if overflow { return nil }
            sum = next
        }
        return sum
    }
}

extension OptimizerSettings {
    /// Vectors of the parameters' length the optimizer keeps: SGD 1 with momentum (or a cycled
    /// one) for its momentum buffer, else 0; Adam and AdamW 2 (first and second moments), 3 with
    /// AMSGrad (the running maximum); RMSprop 1 (square average), plus 1 when centered (gradient
    /// average) and 1 with momentum (its buffer), so up to 3.
    public func stateVectorCount(cyclesMomentum: Bool = false) -> Int {
        let momentumBuffer = hasMomentum || cyclesMomentum
        switch self {
        case .sgd: return momentumBuffer ? 1 : 0
        case let .adam(settings), let .adamW(settings): return settings.amsgrad ? 3 : 2
        case let .rmsprop(settings): return 1 + (settings.centered ? 1 : 0) + (momentumBuffer ? 1 : 0)
        }
    }
}
