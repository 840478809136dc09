/// Preallocated buffers for one network's forward and backward passes over batches of up to
/// `capacity` samples, laid out from the compiled ``NetworkLayout``: a step, including the
/// shorter last batch of an epoch, allocates nothing.
///
/// One Float arena holds, per layer boundary `i` (0 = the input batch), the activations
/// (`capacity x width(i)`) and their loss gradients, then every layer's scratch (dropout's keep
/// factors, batch norm's per-channel mean and inverse deviation), then one region every layer
/// reuses while it runs (a convolution's patch matrix and GEMM product for a chunk of
/// ``ConvolutionKernel/samplesPerChunk`` samples: the largest layer's need); one Int32 arena holds
/// max pooling's winning positions. A flatten layer's output shares its input's buffers, and so
/// does a ReLU fused into the max pooling after it (``NetworkLayout/isReLUFusedIntoPool(_:)``):
/// the pooling reads the ReLU's input and writes the ReLU's input gradient.
/// An evaluation workspace (`trains == false`) leaves out the activation gradients and the
/// parameter gradient: a forward pass in evaluation mode needs neither.
public struct Workspace: Sendable {
    /// The largest batch the buffers hold.
    public let capacity: Int
    /// Samples in the current batch.
    public private(set) var batchSize = 0
    /// Values per sample at every layer boundary (0 = input).
    let widths: [Int]
    /// Arena offsets of the activations at every layer boundary.
    let activationOffsets: [Int]
    /// Arena offsets of the loss gradients at every layer boundary (boundary 0 is never written).
    let gradientOffsets: [Int]
    /// Arena offsets of every layer's Float scratch.
    let scratchOffsets: [Int]
    /// Offsets of every layer's Int32 scratch.
    let indexOffsets: [Int]
    /// Arena offset of the region all layers share.
    let sharedOffset: Int
    /// Boundaries that are a fused ReLU's output: their buffer holds the ReLU's input.
    let rectifiedBoundaries: Set<Int>
    /// The Float arena.
    var values: [Float]
    /// The Int32 arena.
    var indices: [Int32]
    /// Class indices of the current batch (classification).
    var labels: [Int32]
    /// Target values of the current batch, `capacity x outputs` (regression).
    var targetValues: [Float]
    /// dLoss/dParameters, laid out like `Network.parameters` (empty in an evaluation workspace).
    public var parameterGradient: [Float]
    /// Whether the workspace holds gradients (a training workspace) or only activations.
    public let trains: Bool

    init(layout: NetworkLayout, capacity: Int, trains: Bool = true) {
        precondition(capacity > 0, "a workspace needs room for at least one sample")
        guard let plan = Plan(layout: layout, capacity: capacity, trains: trains) else {
            preconditionFailure("a workspace for batches of \(capacity) overflows a 64-bit count; check Workspace.estimatedBytes first")
        }
        self.capacity = capacity
        self.widths = plan.widths
        self.activationOffsets = plan.activationOffsets
        self.gradientOffsets = plan.gradientOffsets
        self.scratchOffsets = plan.scratchOffsets
        self.indexOffsets = plan.indexOffsets
        self.sharedOffset = plan.sharedOffset
        self.rectifiedBoundaries = Set(layout.entries.indices.filter { layout.isReLUFusedIntoPool($0) }.map { $0 + 1 })
        self.values = [Float](repeating: 0, count: plan.valueCount)
        self.indices = [Int32](repeating: 0, count: plan.indexCount)
        self.labels = [Int32](repeating: 0, count: capacity)
        self.targetValues = [Float](repeating: 0, count: plan.targetCount)
        self.parameterGradient = [Float](repeating: 0, count: trains ? layout.parameterCount : 0)
        self.trains = trains
    }

    /// Where a workspace's buffers go, worked out from the layout alone: what the initializer
    /// allocates, and what ``estimatedFloatCount(layout:capacity:)`` counts before allocating.
    struct Plan {
        var widths: [Int]
        var activationOffsets: [Int], gradientOffsets: [Int], scratchOffsets: [Int], indexOffsets: [Int], sharedOffset: Int
        /// Lengths of the Float arena, the Int32 arena and the regression targets.
        var valueCount: Int, indexCount: Int, targetCount: Int

        /// The plan for `layout` and batches of `capacity` (with gradient buffers when it
        /// `trains`; without, every gradient offset is 0 and never written); nil when a size
        /// overflows Int.
        init?(layout: NetworkLayout, capacity: Int, trains: Bool = true) {
            func times(_ count: Int) -> Int? {
                let (product, overflow) = capacity.multipliedReportingOverflow(by: count)
                return overflow ? nil : product
            }
            func plus(_ a: Int, _ b: Int?) -> Int? {
                guard let b else { return nil }
                let (sum, overflow) = a.addingReportingOverflow(b)
                return overflow ? nil : sum
            }
            // Boundary i + 1 is layer i's output. A flatten's (or fused ReLU's) output aliases its input's
            // activations and, past the first boundary, its gradient; the input batch has no gradient buffer.
            widths = [layout.inputShape.count]
            activationOffsets = [0]
            gradientOffsets = [0]
            guard var next = times(widths[0]) else { return nil }
            for (index, entry) in layout.entries.enumerated() {
                widths.append(entry.output.count)
                if entry.layer == .flatten || layout.isReLUFusedIntoPool(index) {
                    activationOffsets.append(activationOffsets.last!)
                } else {
                    activationOffsets.append(next)
                    guard let moved = plus(next, times(entry.output.count)) else { return nil }
                    next = moved
                }
            }
            for (index, entry) in layout.entries.enumerated() {
                if !trains {
                    gradientOffsets.append(0)
                } else if entry.layer == .flatten || layout.isReLUFusedIntoPool(index), index > 0 {
                    gradientOffsets.append(gradientOffsets[index])
                } else {
                    gradientOffsets.append(next)
                    guard let moved = plus(next, times(entry.output.count)) else { return nil }
                    next = moved
                }
            }
            scratchOffsets = []
            indexOffsets = []
            var nextIndex = 0
            for entry in layout.entries {
                scratchOffsets.append(next)
                guard let moved = plus(next, times(entry.scratchPerSample)).flatMap({ plus($0, entry.scratchPerBatch) }),
                      let movedIndex = plus(nextIndex, times(entry.indicesPerSample)) else { return nil }
                next = moved
                indexOffsets.append(nextIndex)
                nextIndex = movedIndex
            }
            sharedOffset = next
            let chunk = Swift.min(capacity, ConvolutionKernel.samplesPerChunk)
            let (shared, overflow) = chunk.multipliedReportingOverflow(by: layout.entries.map(\.sharedScratchPerSample).max() ?? 0)
            guard !overflow, let afterShared = plus(next, shared) else { return nil }
            next = afterShared
            guard let targets = times(widths.last!) else { return nil }
            valueCount = next
            indexCount = nextIndex
            targetCount = targets
        }
    }

    /// The Floats a workspace for `layout` and batches of `capacity` allocates, as its
    /// ``floatCount`` will say, counted before allocating anything; nil when the count
    /// overflows Int.
    public static func estimatedFloatCount(layout: NetworkLayout, capacity: Int, trains: Bool = true) -> Int? {
        guard let plan = Plan(layout: layout, capacity: capacity, trains: trains) else { return nil }
        let (sum, overflow) = plan.valueCount.addingReportingOverflow(plan.targetCount)
        let (total, overflow2) = sum.addingReportingOverflow(trains ? layout.parameterCount : 0)
        return overflow || overflow2 ? nil : total
    }

    /// The bytes of every buffer of such a workspace: its Floats and its Int32s (max pooling's
    /// winners, the batch's class labels); nil when the count overflows Int.
    public static func estimatedBytes(layout: NetworkLayout, capacity: Int, trains: Bool = true) -> Int? {
        guard let plan = Plan(layout: layout, capacity: capacity, trains: trains),
              let floats = estimatedFloatCount(layout: layout, capacity: capacity, trains: trains) else { return nil }
        let (int32s, overflow) = plan.indexCount.addingReportingOverflow(capacity)
        let (elements, overflow2) = floats.addingReportingOverflow(int32s)
        let (bytes, overflow3) = elements.multipliedReportingOverflow(by: 4)
        return overflow || overflow2 || overflow3 ? nil : bytes
    }

    /// Floats the buffers hold in all (activations, gradients, scratch, targets, parameter gradient).
    public var floatCount: Int { values.count + targetValues.count + parameterGradient.count }

    /// Copies the rows at `indices` of `features` and their targets in as the current batch.
    public mutating func load(features: Matrix, targets: Targets, indices rows: some Collection<Int>) {
        let count = rows.count
        precondition(count <= capacity, "batch of \(count) exceeds the workspace's \(capacity)")
        precondition(features.columns == widths[0], "rows of \(features.columns) values for an input of \(widths[0])")
        batchSize = count
        let width = widths[0]
        features.storage.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { arena in
                var target = arena.baseAddress!
                for row in rows {
                    precondition(row >= 0 && row < features.rows, "row index out of range")
                    target.update(from: source.baseAddress! + row * width, count: width)
                    target += width
                }
            }
        }
        switch targets {
        case .classes(let source, _):
            var position = 0
            for row in rows { labels[position] = source[row]; position += 1 }
        case .values(let source):
            let outputs = source.columns
            precondition(outputs == widths.last!, "\(outputs) target columns for \(widths.last!) outputs")
            var position = 0
            for row in rows {
                for column in 0..<outputs { targetValues[position * outputs + column] = source.storage[row * outputs + column] }
                position += 1
            }
        }
    }

    /// The current batch's activations at layer boundary `index` (0 = input), copied. The
    /// output of a ReLU fused into the max pooling after it, never stored, is computed here from
    /// its input.
    public func activations(at index: Int) -> Matrix {
        let width = widths[index], start = activationOffsets[index]
        var storage = Array(values[start..<(start + batchSize * width)])
        if rectifiedBoundaries.contains(index) {
            storage.withUnsafeMutableBufferPointer { ActivationKernel.forward(.relu, x: $0.baseAddress!, y: $0.baseAddress!, count: $0.count) }
        }
        return Matrix(rows: batchSize, columns: width, storage: storage)
    }

    /// The network's output for the current batch (logits or predicted values), copied.
    public var output: Matrix { activations(at: widths.count - 1) }
}
