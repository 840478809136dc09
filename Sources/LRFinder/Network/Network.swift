/// A feed-forward classifier: a stack of layers over one flat parameter vector.
///
/// The network is a value: copying it copies its weights, so a range test can train a copy and
/// leave the caller's model untouched. Dense layer `l`'s weights (outputs x inputs, row-major,
/// PyTorch's layout) start at `parameterOffsets[l]`, its bias right after them.
public struct Network: Equatable, Sendable {
    /// Width of one input sample.
    public let inputWidth: Int
    /// The layers, first to last; the last dense layer produces the logits.
    public let layers: [Layer]
    /// Where each layer's parameters start in `parameters` (equal to the next one's for layers without any).
    public let parameterOffsets: [Int]
    /// Every trainable value, flat.
    public var parameters: [Float]

    /// A network with freshly initialised parameters.
    /// - Parameters:
    ///   - inputWidth: features per sample.
    ///   - layers: the stack; each dense layer's `inputs` must equal the width reaching it.
    ///   - initialization: how dense weights and biases are drawn.
    ///   - random: the stream the draws come from.
    public init(inputWidth: Int, layers: [Layer], initialization: WeightInitialization = .pytorch, random: inout RandomSource) {
        var width = inputWidth
        var offsets: [Int] = []
        var total = 0
        for layer in layers {
            if case let .dense(inputs, _) = layer {
                precondition(inputs == width, "dense layer expects \(inputs) inputs, receives \(width)")
            }
            offsets.append(total)
            total += layer.parameterCount
            width = layer.outputWidth(inputWidth: width)
        }
        self.inputWidth = inputWidth
        self.layers = layers
        self.parameterOffsets = offsets
        var values = [Float](repeating: 0, count: total)
        values.withUnsafeMutableBufferPointer { all in
            for (index, layer) in layers.enumerated() {
                guard case let .dense(inputs, outputs) = layer else { continue }
                let weightStart = offsets[index], biasStart = weightStart + outputs * inputs
                initialization.fill(weights: UnsafeMutableBufferPointer(rebasing: all[weightStart..<biasStart]),
                                    bias: UnsafeMutableBufferPointer(rebasing: all[biasStart..<(biasStart + outputs)]),
                                    fanIn: inputs, fanOut: outputs, random: &random)
            }
        }
        self.parameters = values
    }

    /// A classifier built from a model spec for data with `inputWidth` features and `classCount`
    /// classes, its weights drawn from a stream seeded with `seed`.
    public init(spec: ModelSpec, inputWidth: Int, classCount: Int, initialization: WeightInitialization = .pytorch, seed: UInt64) {
        var random = RandomSource(seed: seed)
        self.init(inputWidth: inputWidth, layers: spec.layers(inputWidth: inputWidth, classCount: classCount),
                  initialization: initialization, random: &random)
    }

    /// Width of the output (the number of classes for a classifier).
    public var outputWidth: Int {
        layers.reduce(inputWidth) { $1.outputWidth(inputWidth: $0) }
    }

    /// Number of trainable values.
    public var parameterCount: Int { parameters.count }

    /// Buffers for a forward and backward pass over batches of up to `batchSize` samples.
    public func makeWorkspace(batchSize: Int) -> Workspace {
        Workspace(network: self, batchSize: batchSize)
    }

    /// Runs the layers on `workspace.input` (set its rows first); the logits end in `workspace.output`.
    public func forward(workspace: inout Workspace, training: Bool, random: inout RandomSource) {
        parameters.withUnsafeBufferPointer { all in
            for (index, layer) in layers.enumerated() {
                let slice = UnsafeBufferPointer(rebasing: all[parameterOffsets[index]..<(parameterOffsets[index] + layer.parameterCount)])
                layer.forward(workspace.activations[index], into: &workspace.activations[index + 1], parameters: slice,
                              mask: &workspace.masks[index], training: training, random: &random)
            }
        }
        if !training {
            for index in workspace.masks.indices where !workspace.masks[index].isEmpty {
                workspace.masks[index].removeAll(keepingCapacity: true)
            }
        }
    }

    /// Back-propagates `workspace.outputGradient` (dLoss/dLogits) and writes dLoss/dParameters
    /// into `workspace.parameterGradient`.
    public func backward(workspace: inout Workspace) {
        let batch = workspace.input.rows
        parameters.withUnsafeBufferPointer { all in
            workspace.parameterGradient.withUnsafeMutableBufferPointer { gradientAll in
                for index in layers.indices.reversed() {
                    let layer = layers[index]
                    let range = parameterOffsets[index]..<(parameterOffsets[index] + layer.parameterCount)
                    let slice = UnsafeBufferPointer(rebasing: all[range])
                    let gradientSlice = UnsafeMutableBufferPointer(rebasing: gradientAll[range])
                    workspace.deltas[index].resize(rows: batch)
                    let needsInputGradient = index > 0
                    // deltas[i] is dLoss/d(activations[i]); deltas[count] is the loss gradient.
                    let outputGradient = workspace.deltas[index + 1]
                    workspace.deltas[index].storage.withUnsafeMutableBufferPointer { dx in
                        layer.backward(input: workspace.activations[index], output: workspace.activations[index + 1],
                                       outputGradient: outputGradient,
                                       inputGradient: needsInputGradient ? dx.baseAddress! : nil,
                                       parameters: slice, parameterGradient: gradientSlice, mask: workspace.masks[index])
                    }
                }
            }
        }
    }

    /// Forward pass, mean cross-entropy and backward pass on one batch: the gradient ends in
    /// `workspace.parameterGradient`.
    /// - Parameters:
    ///   - features: the data set's feature matrix.
    ///   - labels: the data set's labels.
    ///   - indices: the rows forming the batch.
    @discardableResult
    public func computeGradient(features: Matrix, labels: [Int32], indices: some Collection<Int>,
                                workspace: inout Workspace, random: inout RandomSource) -> BatchOutcome {
        workspace.load(features: features, labels: labels, indices: indices)
        forward(workspace: &workspace, training: true, random: &random)
        let outcome = CrossEntropy.evaluate(logits: workspace.output, labels: workspace.labels,
                                            gradient: &workspace.deltas[layers.count])
        backward(workspace: &workspace)
        return outcome
    }

    /// Mean loss and accuracy over a whole data set, in evaluation mode (no dropout), by
    /// batches of `batchSize`.
    public func evaluate(_ dataset: Dataset, batchSize: Int = 1000) -> Evaluation {
        guard dataset.count > 0 else { return Evaluation(loss: .nan, accuracy: .nan, count: 0) }
        var workspace = makeWorkspace(batchSize: min(batchSize, dataset.count))
        var unused = RandomSource(seed: 0)
        var lossSum = 0.0
        var correct = 0
        var start = 0
        while start < dataset.count {
            let end = min(start + batchSize, dataset.count)
            workspace.load(features: dataset.features, labels: dataset.labels, indices: start..<end)
            forward(workspace: &workspace, training: false, random: &unused)
            let outcome = CrossEntropy.evaluate(logits: workspace.output, labels: workspace.labels)
            lossSum += Double(outcome.loss) * Double(end - start)
            correct += outcome.correct
            start = end
        }
        return Evaluation(loss: lossSum / Double(dataset.count), accuracy: Double(correct) / Double(dataset.count), count: dataset.count)
    }

    /// Class scores (logits) for every row of `input`, in evaluation mode.
    public func logits(for input: Matrix) -> Matrix {
        var workspace = makeWorkspace(batchSize: input.rows)
        workspace.activations[0] = input
        var unused = RandomSource(seed: 0)
        forward(workspace: &workspace, training: false, random: &unused)
        return workspace.output
    }
}

/// Loss and correct predictions of one batch.
public struct BatchOutcome: Equatable, Sendable {
    /// Mean cross-entropy over the batch.
    public var loss: Float
    /// Number of samples whose largest logit is at their label.
    public var correct: Int
}

/// Loss and accuracy over a data set.
public struct Evaluation: Equatable, Sendable, Codable {
    /// Mean cross-entropy.
    public var loss: Double
    /// Fraction of samples classified correctly.
    public var accuracy: Double
    /// Number of samples evaluated.
    public var count: Int
}
