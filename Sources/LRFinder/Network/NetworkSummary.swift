/// A compiled model described as torchinfo's `summary` does (Yep 2020, torchinfo): each layer's
/// output shape, parameters and multiply-adds, the totals, and what a training step costs at a
/// batch size: its multiply-adds and the bytes it holds.
///
/// Multiply-adds follow torchinfo's `calculate_macs`: a convolution counts its parameters (weight
/// and bias) once per output position, a dense layer or batch norm its parameters once per sample,
/// a layer without parameters nothing. A training step adds, per layer with parameters, the
/// weight-gradient products (as many as its forward) and, when the layer passes a gradient back
/// (any trainable layer after the first), the input-gradient products (its weights once per
/// output position); the loss and the optimizer update are not counted.
public struct NetworkSummary: Equatable, Sendable, Encodable {
    /// One layer's line.
    public struct Row: Equatable, Sendable, Encodable {
        /// The item in the spec grammar (`conv(32,3)`).
        public var layer: String
        /// PyTorch's module name (`Conv2d`).
        public var module: String
        /// The shape of one output sample.
        public var outputShape: TensorShape
        /// Trainable values.
        public var parameters: Int
        /// Forward multiply-adds per sample, torchinfo's convention.
        public var multiplyAdds: Int
        /// Multiply-adds per sample of forward and backward (weight and input gradients).
        public var trainingMultiplyAdds: Int
    }

    /// What a training step holds, in bytes; ``total`` is what ``Network`` and its training
    /// ``Workspace`` allocate plus the optimizer's state.
    public struct Memory: Equatable, Sendable, Encodable {
        /// The parameter vector.
        public let parameters: Int
        /// The parameter gradient.
        public let gradients: Int
        /// The optimizer's state vectors (Adam's two moments, SGD's momentum buffer).
        public let optimizerState: Int
        /// Batch norm's running statistics and batch counts (the state vector).
        public let batchNormState: Int
        /// Every layer boundary's activations for the batch (the input batch included) and
        /// their gradients (a flatten, and a ReLU fused into the max pooling after it, share
        /// their inputs' buffers).
        public let activations: Int
        /// Layer scratch: dropout's masks, batch norm's statistics, max pooling's winners, the
        /// region convolutions share (patch matrix and product), the batch's labels and targets.
        public let scratch: Int

        /// Bytes in all.
        public let total: Int

        /// The parts; ``total`` is their sum.
        public init(parameters: Int, gradients: Int, optimizerState: Int, batchNormState: Int, activations: Int, scratch: Int) {
            self.parameters = parameters
            self.gradients = gradients
            self.optimizerState = optimizerState
            self.batchNormState = batchNormState
            self.activations = activations
            self.scratch = scratch
            total = parameters + gradients + optimizerState + batchNormState + activations + scratch
        }
    }

    /// The shape of one input sample.
    public var inputShape: TensorShape
    /// One row per layer, output layer included.
    public var rows: [Row]
    /// Trainable values in all.
    public var parameters: Int
    /// Forward multiply-adds per sample.
    public var multiplyAdds: Int
    /// The batch size of the training step.
    public var batchSize: Int
    /// Multiply-adds of one training step on a batch of ``batchSize``.
    public var trainingStepMultiplyAdds: Int
    /// What that step holds.
    public var memory: Memory

    /// The summary of `layout` trained by `optimizer` on batches of `batchSize`; nil when a count
    /// overflows Int (a model no machine could hold).
    public init?(layout: NetworkLayout, batchSize: Int, optimizer: OptimizerSettings = OptimizerSettings(kind: .adamw)) {
        guard batchSize > 0, let plan = Workspace.Plan(layout: layout, capacity: batchSize) else { return nil }
        let firstTrainable = layout.entries.firstIndex { $0.layer.isTrainable } ?? layout.entries.count
        var rows: [Row] = []
        for (index, entry) in layout.entries.enumerated() {
            let count = entry.parameters.count
            var forward = 0, weightProducts = 0
            switch entry.layer {
            case let .convolution(channels, _, _, _, _):
                let positions = entry.output.planeSize
                let (products, overflow) = count.multipliedReportingOverflow(by: positions)
                let (weights, overflow2) = (channels * entry.convolutionGeometry.patchSize).multipliedReportingOverflow(by: positions)
                guard !overflow, !overflow2, products < Int.max / 4 else { return nil }
                forward = products
                weightProducts = weights
            case let .dense(units, _):
                forward = count
                weightProducts = units * entry.input.count
            case .batchNorm:
                forward = count
                weightProducts = entry.input.channels
            default:
                break
            }
            guard forward <= Int.max / 8, weightProducts <= Int.max / 8 else { return nil }
            let training = forward + forward + (index > firstTrainable ? weightProducts : 0)
            rows.append(Row(layer: ModelSpec.describe(entry.layer), module: Self.module(entry), outputShape: entry.output,
                            parameters: count, multiplyAdds: forward, trainingMultiplyAdds: training))
        }
        let floats = MemoryLayout<Float>.size
        let activationFloats = plan.scratchOffsets.first ?? plan.valueCount
        let scratchElements = (plan.valueCount - activationFloats) + plan.targetCount + plan.indexCount + batchSize
        let (optimizerFloats, overflow) = layout.parameterCount.multipliedReportingOverflow(by: optimizer.stateVectorCount())
        var perSample = 0, forwardTotal = 0
        for row in rows {
            let (sum, overflow) = perSample.addingReportingOverflow(row.trainingMultiplyAdds)
            let (forwardSum, overflow2) = forwardTotal.addingReportingOverflow(row.multiplyAdds)
            guard !overflow, !overflow2 else { return nil }
            (perSample, forwardTotal) = (sum, forwardSum)
        }
        let (stepMultiplyAdds, overflow2) = perSample.multipliedReportingOverflow(by: batchSize)
        guard !overflow, !overflow2, let workspace = Workspace.estimatedBytes(layout: layout, capacity: batchSize) else { return nil }
        memory = Memory(parameters: floats * layout.parameterCount, gradients: floats * layout.parameterCount,
                        optimizerState: floats * optimizerFloats, batchNormState: floats * layout.stateCount,
                        activations: floats * activationFloats, scratch: 4 * scratchElements)
        assert(memory.gradients + memory.activations + memory.scratch == workspace, "the parts of the workspace add up to its size")
        inputShape = layout.inputShape
        self.rows = rows
        parameters = layout.parameterCount
        multiplyAdds = forwardTotal
        self.batchSize = batchSize
        trainingStepMultiplyAdds = stepMultiplyAdds
    }

    /// PyTorch's module for a layer.
    private static func module(_ entry: NetworkLayout.Entry) -> String {
        switch entry.layer {
        case .dense: "Linear"
        case .convolution: "Conv2d"
        case .relu: "ReLU"
        case .leakyReLU: "LeakyReLU"
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .gelu: "GELU"
        case .dropout: "Dropout"
        case .batchNorm: entry.input.isVector ? "BatchNorm1d" : "BatchNorm2d"
        case .maxPool: "MaxPool2d"
        case .averagePool: "AvgPool2d"
        case .flatten: "Flatten"
        }
    }
}
