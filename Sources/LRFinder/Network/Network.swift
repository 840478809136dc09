/// A feed-forward network compiled from a layer list and an input shape, over one flat parameter
/// vector and one state vector.
///
/// The network is a value: copying it copies its weights and batch-norm statistics, so a range
/// test can train a copy and leave the caller's model untouched. `layout` says where every
/// layer's parameters and state live (PyTorch's tensors in its order).
public struct Network: Equatable, Sendable {
    /// Shapes and buffer ranges of every layer.
    public let layout: NetworkLayout
    /// Every trainable value, flat.
    public var parameters: [Float]
    /// Every non-trainable value that travels with the model (batch norm's running statistics).
    public var state: [Float]

    /// A network over `layers` for samples of `inputShape`, with freshly initialised parameters.
    /// - Parameters:
    ///   - initialization: how dense and convolution weights and biases are drawn (PyTorch's
    ///     default: U(±1/sqrt(fan_in)) for both, fan_in = in x k x k for a convolution); batch norm starts at weight 1,
    ///     bias 0, running mean 0 and running variance 1, as in PyTorch.
    ///   - random: the stream the draws come from, layer by layer, weights before bias.
    /// - Throws: ``NetworkError`` when a layer does not fit its input.
    public init(layers: [LayerSpec], inputShape: TensorShape, initialization: WeightInitialization = .pytorch,
                random: inout RandomSource) throws {
        let layout = try NetworkLayout(layers: layers, inputShape: inputShape)
        self.layout = layout
        var values = [Float](repeating: 0, count: layout.parameterCount)
        var state = [Float](repeating: 0, count: layout.stateCount)
        values.withUnsafeMutableBufferPointer { all in
            for entry in layout.entries {
                let start = entry.parameters.lowerBound
                switch entry.layer {
                case let .dense(units, bias):
                    let inputs = entry.input.count, biasStart = start + units * inputs
                    initialization.fill(weights: UnsafeMutableBufferPointer(rebasing: all[start..<biasStart]),
                                        bias: UnsafeMutableBufferPointer(rebasing: all[biasStart..<(bias ? biasStart + units : biasStart)]),
                                        fanIn: inputs, fanOut: units, random: &random)
                case let .convolution(channels, kernel, _, _, bias):
                    // PyTorch's fans of a conv weight: in x k x k and out x k x k.
                    let fanIn = entry.input.channels * kernel * kernel, biasStart = start + channels * fanIn
                    initialization.fill(weights: UnsafeMutableBufferPointer(rebasing: all[start..<biasStart]),
                                        bias: UnsafeMutableBufferPointer(rebasing: all[biasStart..<(bias ? biasStart + channels : biasStart)]),
                                        fanIn: fanIn, fanOut: channels * kernel * kernel, random: &random)
                case .batchNorm:
                    for c in 0..<entry.input.channels { all[start + c] = 1 }
                    for c in 0..<entry.input.channels { state[entry.state.lowerBound + entry.input.channels + c] = 1 }
                default:
                    break
                }
            }
        }
        parameters = values
        self.state = state
    }

    /// A network for `spec` on samples of `inputShape` with `outputs` output values (classes or
    /// target columns), its weights drawn from a stream seeded with `seed`.
    public init(spec: ModelSpec, inputShape: TensorShape, outputs: Int, initialization: WeightInitialization = .pytorch,
                seed: UInt64) throws {
        var random = RandomSource(seed: seed)
        try self.init(layers: spec.layers(outputs: outputs), inputShape: inputShape, initialization: initialization, random: &random)
    }

    /// The layers, first to last.
    public var layers: [LayerSpec] { layout.layers }
    /// The shape of one input sample.
    public var inputShape: TensorShape { layout.inputShape }
    /// Values per input sample.
    public var inputWidth: Int { layout.inputShape.count }
    /// Values per output sample (classes, or target columns).
    public var outputWidth: Int { layout.outputShape.count }
    /// Number of trainable values.
    public var parameterCount: Int { parameters.count }

    /// Buffers for forward and backward passes over batches of up to `batchSize` samples.
    public func makeWorkspace(batchSize: Int) -> Workspace {
        Workspace(layout: layout, capacity: batchSize)
    }

    /// Buffers for evaluation-mode forward passes only (no gradients) over batches of up to `batchSize`.
    public func makeEvaluationWorkspace(batchSize: Int) -> Workspace {
        Workspace(layout: layout, capacity: batchSize, trains: false)
    }

    /// Runs the layers on the batch loaded into `workspace`; the output ends in `workspace.output`.
    /// In training, dropout draws from `random` and batch norm uses (and updates) batch statistics.
    public mutating func forward(workspace: inout Workspace, training: Bool, random: inout RandomSource) {
        let batch = workspace.batchSize
        let layout = self.layout
        BLASRuntime.splitOnOwnThreads(layout.hasImageLayers)
        parameters.withUnsafeBufferPointer { all in
            state.withUnsafeMutableBufferPointer { stateAll in
                workspace.values.withUnsafeMutableBufferPointer { arena in
                    workspace.indices.withUnsafeMutableBufferPointer { indexArena in
                        let base = arena.baseAddress!, weights = all.baseAddress, stateBase = stateAll.baseAddress
                        for (index, entry) in layout.entries.enumerated() {
                            let x = UnsafePointer(base + workspace.activationOffsets[index])
                            let y = base + workspace.activationOffsets[index + 1]
                            let scratch = base + workspace.scratchOffsets[index]
                            let count = batch * entry.input.count
                            switch entry.layer {
                            case let .dense(units, bias):
                                let w = weights! + entry.parameters.lowerBound
                                DenseKernel.forward(x: x, y: y, batch: batch, inputs: entry.input.count, units: units,
                                                    weights: w, bias: bias ? w + units * entry.input.count : nil)
                            case let .dropout(probability):
                                DropoutKernel.forward(x: x, y: y, mask: scratch, count: count, probability: probability,
                                                      training: training, random: &random)
                            case let .batchNorm(momentum, epsilon):
                                BatchNormKernel.forward(x: x, y: y, batch: batch, channels: entry.input.channels,
                                                        spatial: entry.input.planeSize, parameters: weights! + entry.parameters.lowerBound,
                                                        state: stateBase! + entry.state.lowerBound, saved: scratch,
                                                        momentum: momentum, epsilon: epsilon, training: training)
                            case let .convolution(channels, _, _, _, bias):
                                let w = weights! + entry.parameters.lowerBound
                                let geometry = entry.convolutionGeometry
                                ConvolutionKernel.forward(x: x, y: y, batch: batch, geometry: geometry, weights: w,
                                                          bias: bias ? w + channels * geometry.patchSize : nil,
                                                          scratch: base + workspace.sharedOffset)
                            case .maxPool:
                                // After a fused ReLU, x is the ReLU's input (the workspace aliases the two).
                                MaxPoolKernel.forward(x: x, y: y, winners: indexArena.baseAddress! + workspace.indexOffsets[index],
                                                      batch: batch, geometry: entry.poolGeometry,
                                                      rectified: layout.isReLUFusedIntoPool(index - 1))
                            case .relu where layout.isReLUFusedIntoPool(index):
                                break
                            case .averagePool:
                                AveragePoolKernel.forward(x: x, y: y, batch: batch, geometry: entry.poolGeometry)
                            case .flatten:
                                break
                            default:
                                ActivationKernel.forward(entry.activation, x: x, y: y, count: count)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Back-propagates the loss gradient in the last boundary's gradient buffer (left there by
    /// ``computeGradient(features:targets:indices:loss:workspace:random:)``) after a training
    /// forward, and writes dLoss/dParameters into `workspace.parameterGradient`.
    public func backward(workspace: inout Workspace) {
        precondition(workspace.trains, "backward needs a training workspace")
        let batch = workspace.batchSize
        let layout = self.layout
        BLASRuntime.splitOnOwnThreads(layout.hasImageLayers)
        // Layers before the first trainable one need no input gradient.
        let firstTrainable = layout.entries.firstIndex { $0.layer.isTrainable } ?? layout.entries.count
        parameters.withUnsafeBufferPointer { all in
            workspace.parameterGradient.withUnsafeMutableBufferPointer { gradientAll in
                workspace.values.withUnsafeMutableBufferPointer { arena in
                    workspace.indices.withUnsafeBufferPointer { indexArena in
                        let base = arena.baseAddress!, weights = all.baseAddress, gradients = gradientAll.baseAddress
                        for index in layout.entries.indices.reversed() {
                            let entry = layout.entries[index]
                            let x = UnsafePointer(base + workspace.activationOffsets[index])
                            let y = UnsafePointer(base + workspace.activationOffsets[index + 1])
                            let dy = UnsafePointer(base + workspace.gradientOffsets[index + 1])
                            let dx = index > firstTrainable ? base + workspace.gradientOffsets[index] : nil
                            let scratch = UnsafePointer(base + workspace.scratchOffsets[index])
                            let count = batch * entry.input.count
                            switch entry.layer {
                            case let .dense(units, bias):
                                let w = weights! + entry.parameters.lowerBound, g = gradients! + entry.parameters.lowerBound
                                let inputs = entry.input.count
                                DenseKernel.backward(x: x, dy: dy, dx: dx, batch: batch, inputs: inputs, units: units,
                                                     weights: w, weightGradient: g, biasGradient: bias ? g + units * inputs : nil)
                            case let .convolution(channels, _, _, _, bias):
                                let w = weights! + entry.parameters.lowerBound, g = gradients! + entry.parameters.lowerBound
                                let geometry = entry.convolutionGeometry
                                ConvolutionKernel.backward(x: x, dy: dy, dx: dx, batch: batch, geometry: geometry, weights: w,
                                                           weightGradient: g, biasGradient: bias ? g + channels * geometry.patchSize : nil,
                                                           scratch: base + workspace.sharedOffset)
                            case .batchNorm:
                                BatchNormKernel.backward(x: x, dy: dy, dx: dx, batch: batch, channels: entry.input.channels,
                                                         spatial: entry.input.planeSize, parameters: weights! + entry.parameters.lowerBound,
                                                         saved: scratch, parameterGradient: gradients! + entry.parameters.lowerBound)
                            case .flatten:
                                break
                            default:
                                guard let dx else { continue }
                                switch entry.layer {
                                case let .dropout(probability):
                                    DropoutKernel.backward(dy: dy, dx: dx, mask: scratch, count: count, probability: probability)
                                case .relu where layout.isReLUFusedIntoPool(index):
                                    break
                                case .maxPool:
                                    // After a fused ReLU, dx is the ReLU's input gradient (aliased).
                                    MaxPoolKernel.backward(dy: dy, dx: dx, winners: indexArena.baseAddress! + workspace.indexOffsets[index],
                                                           batch: batch, geometry: entry.poolGeometry,
                                                           rectifiedOutput: layout.isReLUFusedIntoPool(index - 1) ? y : nil)
                                case .averagePool:
                                    AveragePoolKernel.backward(dy: dy, dx: dx, batch: batch, geometry: entry.poolGeometry)
                                default:
                                    ActivationKernel.backward(entry.activation, x: x, y: y, dy: dy, dx: dx, count: count)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Forward pass in training mode, loss and backward pass on the rows `indices` of a data
    /// set: the gradient ends in `workspace.parameterGradient`.
    @discardableResult
    public mutating func computeGradient(features: Matrix, targets: Targets, indices: some Collection<Int>, loss: LossFunction,
                                         workspace: inout Workspace, random: inout RandomSource) -> BatchOutcome {
        workspace.load(features: features, targets: targets, indices: indices)
        forward(workspace: &workspace, training: true, random: &random)
        let outcome = score(workspace: &workspace, loss: loss, writesGradient: true)
        backward(workspace: &workspace)
        return outcome
    }

    /// The loss of the output in `workspace` against its loaded targets (and its gradient into
    /// the last boundary's gradient buffer).
    private func score(workspace: inout Workspace, loss: LossFunction, writesGradient: Bool,
                       confusion: UnsafeMutablePointer<Int>? = nil) -> BatchOutcome {
        let batch = workspace.batchSize, width = outputWidth, last = layout.entries.count
        let outputOffset = workspace.activationOffsets[last], gradientOffset = workspace.gradientOffsets[last]
        return workspace.labels.withUnsafeBufferPointer { labels in
            workspace.targetValues.withUnsafeBufferPointer { values in
                workspace.values.withUnsafeMutableBufferPointer { arena in
                    loss.evaluate(output: arena.baseAddress! + outputOffset, batch: batch, width: width,
                                  labels: labels.baseAddress!, values: values.baseAddress!,
                                  gradient: writesGradient ? arena.baseAddress! + gradientOffset : nil, confusion: confusion)
                }
            }
        }
    }

    /// Mean loss and (for classes) accuracy and ``ClassificationReport``, (for values) the
    /// ``RegressionReport`` in the units of the loaded targets, over a whole data set in
    /// evaluation mode (no dropout, running batch-norm statistics), by batches of up to
    /// `workspace.capacity`; the confusion matrix is counted in place, batch by batch.
    public func evaluate(_ dataset: Dataset, loss: LossFunction, workspace: inout Workspace) -> Evaluation {
        guard dataset.count > 0 else { return Evaluation(loss: .nan, accuracy: nil, count: 0) }
        var copy = self
        var unused = RandomSource(seed: 0)
        var lossSum = 0.0
        var correct: Int?
        var start = 0
        let classifies = loss == .crossEntropy
        var matrix = ConfusionMatrix(classCount: classifies ? outputWidth : 0)
        var regression = RegressionReport.Accumulator(width: classifies ? 0 : outputWidth)
        let outputOffset = workspace.activationOffsets[layout.entries.count]
        while start < dataset.count {
            let end = Swift.min(start + workspace.capacity, dataset.count)
            workspace.load(features: dataset.features, targets: dataset.targets, indices: start..<end)
            copy.forward(workspace: &workspace, training: false, random: &unused)
            let outcome = classifies
                ? matrix.withUnsafeMutableCounts { score(workspace: &workspace, loss: loss, writesGradient: false, confusion: $0) }
                : score(workspace: &workspace, loss: loss, writesGradient: false)
            if !classifies {
                workspace.values.withUnsafeBufferPointer { arena in
                    workspace.targetValues.withUnsafeBufferPointer { targets in
                        regression.add(predictions: arena.baseAddress! + outputOffset, targets: targets.baseAddress!, batch: end - start)
                    }
                }
            }
            lossSum += Double(outcome.loss) * Double(end - start)
            if let right = outcome.correct { correct = (correct ?? 0) + right }
            start = end
        }
        return Evaluation(loss: lossSum / Double(dataset.count), accuracy: correct.map { Double($0) / Double(dataset.count) },
                          count: dataset.count, report: classifies ? ClassificationReport(matrix) : nil,
                          regression: classifies ? nil : regression.report)
    }

    /// ``evaluate(_:loss:workspace:)`` with a workspace of its own for batches of `batchSize`.
    public func evaluate(_ dataset: Dataset, loss: LossFunction, batchSize: Int = 1000) -> Evaluation {
        guard dataset.count > 0 else { return Evaluation(loss: .nan, accuracy: nil, count: 0) }
        var workspace = makeEvaluationWorkspace(batchSize: Swift.min(batchSize, dataset.count))
        return evaluate(dataset, loss: loss, workspace: &workspace)
    }

    /// The outputs (logits or values) for every row of `input`, in evaluation mode, by batches
    /// of up to `batchSize` rows in one evaluation workspace.
    public func outputs(for input: Matrix, batchSize: Int = 1024) -> Matrix {
        precondition(input.columns == inputWidth, "rows of \(input.columns) values for an input of \(inputWidth)")
        precondition(batchSize > 0, "a batch needs at least one row")
        var result = Matrix(rows: input.rows, columns: outputWidth)
        guard input.rows > 0 else { return result }
        var workspace = makeEvaluationWorkspace(batchSize: Swift.min(batchSize, input.rows))
        let unused = Targets.classes([Int32](repeating: 0, count: input.rows), count: outputWidth)
        let outputOffset = workspace.activationOffsets[layout.entries.count], width = outputWidth
        var copy = self
        var random = RandomSource(seed: 0)
        var start = 0
        while start < input.rows {
            let end = Swift.min(start + workspace.capacity, input.rows)
            workspace.load(features: input, targets: unused, indices: start..<end)
            copy.forward(workspace: &workspace, training: false, random: &random)
            result.storage.withUnsafeMutableBufferPointer { rows in
                workspace.values.withUnsafeBufferPointer { arena in
                    (rows.baseAddress! + start * width).update(from: arena.baseAddress! + outputOffset, count: (end - start) * width)
                }
            }
            start = end
        }
        return result
    }
}

extension NetworkLayout.Entry {
    /// The elementwise function of an activation layer.
    var activation: ActivationKernel.Function {
        switch layer {
        case .relu: .relu
        case .leakyReLU(let slope): .leakyReLU(slope)
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .gelu: .gelu
        default: preconditionFailure("\(layer) is not an activation")
        }
    }

    /// The window geometry of a pooling layer (max or average).
    var poolGeometry: MaxPoolKernel.Geometry {
        let kernel: Int, stride: Int, padding: Int
        switch layer {
        case let .maxPool(k, s, p), let .averagePool(k, s, p): (kernel, stride, padding) = (k, s, p)
        default: preconditionFailure("\(layer) is not a pooling layer")
        }
        return MaxPoolKernel.Geometry(channels: input.channels, height: input.height, width: input.width,
                                      outputHeight: output.height, outputWidth: output.width,
                                      kernel: kernel, stride: stride, padding: padding)
    }

    /// The sizes of a convolution layer.
    var convolutionGeometry: ConvolutionKernel.Geometry {
        guard case let .convolution(channels, kernel, stride, padding, _) = layer else { preconditionFailure("\(layer) is not a convolution") }
        return ConvolutionKernel.Geometry(inputChannels: input.channels, height: input.height, width: input.width,
                                          outputChannels: channels, outputHeight: output.height, outputWidth: output.width,
                                          kernel: kernel, stride: stride, padding: padding)
    }
}
