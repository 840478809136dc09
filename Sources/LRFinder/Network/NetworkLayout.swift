/// A network compiled once from its layer list and its input shape: every shape checked, and the
/// ranges of every layer's parameters, state and per-sample scratch laid out.
///
/// Parameters are PyTorch's tensors in its order, flat: a dense layer's weight (`units x inputs`,
/// row-major) then bias; a convolution's weight (`out x in x k x k`) then bias; a batch norm's
/// weight then bias (`channels` each). The state vector holds
/// what is not trained but travels with the model: a batch norm's running mean and running
/// variance (`channels` each) and its count of training batches (`num_batches_tracked`, exact as a
/// Float up to 2^24). Optimizers see only the parameters.
public struct NetworkLayout: Hashable, Sendable {
    /// One compiled layer.
    public struct Entry: Hashable, Sendable {
        /// The layer as described.
        public var layer: LayerSpec
        /// The shape of one input sample.
        public var input: TensorShape
        /// The shape of one output sample.
        public var output: TensorShape
        /// Its slice of the parameter vector.
        public var parameters: Range<Int>
        /// Its slice of the state vector.
        public var state: Range<Int>
        /// Float scratch per sample (dropout's keep factors).
        public var scratchPerSample: Int
        /// Float scratch per batch (batch norm's mean and inverse deviation per channel).
        public var scratchPerBatch: Int
        /// Int32 scratch per sample (max pooling's winning positions).
        public var indicesPerSample: Int
        /// Float scratch per sample in the region all layers share, used only while the layer
        /// runs (a convolution's patch matrix and GEMM product, for a chunk of samples).
        public var sharedScratchPerSample: Int = 0
    }

    /// The input shape of one sample.
    public let inputShape: TensorShape
    /// The layers in order.
    public let entries: [Entry]
    /// Length of the parameter vector.
    public let parameterCount: Int
    /// Length of the state vector.
    public let stateCount: Int
    /// Whether a layer works on images (convolution, pooling): such a network's GEMMs and the
    /// kernels between them share lrfind's own threads (``BLASRuntime/splitsOnOwnThreads``).
    public let hasImageLayers: Bool

    /// Compiles `layers` for samples of `inputShape`.
    /// - Throws: ``NetworkError`` naming the first layer whose input does not fit it.
    public init(layers: [LayerSpec], inputShape: TensorShape) throws {
        var shape = inputShape
        var parameterCount = 0, stateCount = 0
        var entries: [Entry] = []
        guard inputShape.count > 0 else { throw NetworkError(layer: 0, description: "the input shape \(inputShape) is empty") }
        // Whether the values reaching a layer are an image: a C x 1 x 1 plane a convolution or
        // pooling made still is one; a dense layer's or a flatten's output never is.
        var isImage = !inputShape.isVector
        for (index, layer) in layers.enumerated() {
            func fail(_ reason: String) -> NetworkError {
                NetworkError(layer: index + 1, description: "layer \(index + 1) (\(ModelSpec.describe(layer))) on input \(shape): \(reason)")
            }
            // Sizes come from the user (`dense:99999999999999`): every product and sum is checked,
            // so that a size too large to count is an error, not a wrapped-around negative.
            func checked(_ value: (partialValue: Int, overflow: Bool)) throws -> Int {
                guard !value.overflow else { throw fail("too large: its sizes overflow a 64-bit count") }
                return value.partialValue
            }
            var output = shape, parameters = 0, state = 0, scratch = 0, batchScratch = 0, indices = 0, shared = 0
            /// The output plane of a `kernel` window moved by `stride` over the plane padded by `padding`.
            func plane(kernel: Int, stride: Int, padding: Int) throws -> (height: Int, width: Int) {
                guard isImage else {
                    let name = switch layer { case .convolution: "a convolution"; case .maxPool: "max pooling"; default: "average pooling" }
                    throw fail("\(name) needs an image (channels x height x width); give the data's image shape")
                }
                let padded = try checked(padding.multipliedReportingOverflow(by: 2))
                let paddedHeight = try checked(shape.height.addingReportingOverflow(padded))
                let paddedWidth = try checked(shape.width.addingReportingOverflow(padded))
                guard paddedHeight >= kernel, paddedWidth >= kernel else {
                    throw fail("the \(kernel)x\(kernel) window does not fit a \(shape.height)x\(shape.width) plane with padding \(padding)")
                }
                return ((paddedHeight - kernel) / stride + 1, (paddedWidth - kernel) / stride + 1)
            }
            switch layer {
            case let .dense(units, bias):
                guard shape.isVector else { throw fail("dense needs a vector; put flatten before it") }
                output = .vector(units)
                parameters = try checked(checked(units.multipliedReportingOverflow(by: shape.count)).addingReportingOverflow(bias ? units : 0))
            case .relu, .leakyReLU, .sigmoid, .tanh, .gelu, .flatten:
                if case .flatten = layer { output = .vector(shape.count) }
            case .dropout:
                scratch = shape.count
            case .batchNorm:
                parameters = 2 * shape.channels
                state = 2 * shape.channels + 1
                batchScratch = 2 * shape.channels
            case let .convolution(channels, kernel, stride, padding, bias):
                let (height, width) = try plane(kernel: kernel, stride: stride, padding: padding)
                let patch = try checked(checked(shape.channels.multipliedReportingOverflow(by: kernel)).multipliedReportingOverflow(by: kernel))
                let weights = try checked(patch.multipliedReportingOverflow(by: channels))
                parameters = try checked(weights.addingReportingOverflow(bias ? channels : 0))
                let positions = try checked(height.multipliedReportingOverflow(by: width))
                _ = try checked(positions.multipliedReportingOverflow(by: channels))
                output = TensorShape(channels: channels, height: height, width: width)
                shared = try checked(checked(patch.addingReportingOverflow(channels)).multipliedReportingOverflow(by: positions))
            case let .maxPool(kernel, stride, padding), let .averagePool(kernel, stride, padding):
                let (height, width) = try plane(kernel: kernel, stride: stride, padding: padding)
                output = TensorShape(channels: shape.channels, height: height, width: width)
                if case .maxPool = layer { indices = output.count }
            }
            entries.append(Entry(layer: layer, input: shape, output: output,
                                 parameters: parameterCount..<(parameterCount + parameters),
                                 state: stateCount..<(stateCount + state),
                                 scratchPerSample: scratch, scratchPerBatch: batchScratch, indicesPerSample: indices,
                                 sharedScratchPerSample: shared))
            switch layer {
            case .dense, .flatten: isImage = false
            case _ where layer.isSpatial: isImage = true
            default: break
            }
            parameterCount = try checked(parameterCount.addingReportingOverflow(parameters))
            stateCount = try checked(stateCount.addingReportingOverflow(state))
            shape = output
        }
        self.inputShape = inputShape
        self.entries = entries
        self.parameterCount = parameterCount
        self.stateCount = stateCount
        hasImageLayers = entries.contains { $0.layer.isSpatial }
    }

    /// The shape of one output sample.
    public var outputShape: TensorShape { entries.last?.output ?? inputShape }

    /// The layers as described.
    public var layers: [LayerSpec] { entries.map(\.layer) }

    /// Whether entry `index` is a ReLU whose output goes only into the max pooling after it: the
    /// pooling then runs on the ReLU's input and rectifies its outputs (``MaxPoolKernel``'s
    /// fusion), and the ReLU itself is skipped, forward and backward. False for an index outside
    /// the layers (-1: before the first).
    func isReLUFusedIntoPool(_ index: Int) -> Bool {
        guard index >= 0, index + 1 < entries.count, case .relu = entries[index].layer, case .maxPool = entries[index + 1].layer else { return false }
        return true
    }
}

/// A layer list that does not fit its input: names the layer, its input shape and the reason.
public struct NetworkError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based position of the layer (0 for the input itself).
    public var layer: Int
    /// One line.
    public var description: String
}
