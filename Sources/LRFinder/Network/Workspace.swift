/// Preallocated buffers for one network's forward and backward passes over batches of up to
/// `capacity` samples, laid out from the compiled ``NetworkLayout``: a step, including the
/// shorter last batch of an epoch, allocates nothing.
///
/// One Float arena holds, per layer boundary `i` (0 = the input batch), the activations
/// (`capacity x width(i)`) and their loss gradients, then every layer's scratch (dropout's keep
/// factors, batch norm's per-channel mean and inverse deviation); one Int32 arena holds max
/// pooling's winning positions. A flatten layer's output shares its input's buffers.
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
    /// The Float arena.
    var values: [Float]
    /// The Int32 arena.
    var indices: [Int32]
    /// Class indices of the current batch (classification).
    var labels: [Int32]
    /// Target values of the current batch, `capacity x outputs` (regression).
    var targetValues: [Float]
    /// dLoss/dParameters, laid out like `Network.parameters`.
    public var parameterGradient: [Float]

    init(layout: NetworkLayout, capacity: Int) {
        precondition(capacity > 0, "a workspace needs room for at least one sample")
        self.capacity = capacity
        // Boundary i + 1 is layer i's output. A flatten's output aliases its input's activations
        // and, past the first boundary, its gradient; the input batch has no gradient buffer.
        var widths = [layout.inputShape.count]
        var activationOffsets = [0], gradientOffsets = [0]
        var next = capacity * widths[0]
        for entry in layout.entries {
            widths.append(entry.output.count)
            if case .flatten = entry.layer {
                activationOffsets.append(activationOffsets.last!)
            } else {
                activationOffsets.append(next)
                next += capacity * entry.output.count
            }
        }
        for (index, entry) in layout.entries.enumerated() {
            if case .flatten = entry.layer, index > 0 {
                gradientOffsets.append(gradientOffsets[index])
            } else {
                gradientOffsets.append(next)
                next += capacity * entry.output.count
            }
        }
        var scratch: [Int] = [], intScratch: [Int] = []
        var nextIndex = 0
        for entry in layout.entries {
            scratch.append(next)
            next += capacity * entry.scratchPerSample + entry.scratchPerBatch
            intScratch.append(nextIndex)
            nextIndex += capacity * entry.indicesPerSample
        }
        self.widths = widths
        self.activationOffsets = activationOffsets
        self.gradientOffsets = gradientOffsets
        self.scratchOffsets = scratch
        self.indexOffsets = intScratch
        self.values = [Float](repeating: 0, count: next)
        self.indices = [Int32](repeating: 0, count: nextIndex)
        self.labels = [Int32](repeating: 0, count: capacity)
        self.targetValues = [Float](repeating: 0, count: capacity * widths.last!)
        self.parameterGradient = [Float](repeating: 0, count: layout.parameterCount)
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

    /// The current batch's activations at layer boundary `index` (0 = input), copied.
    public func activations(at index: Int) -> Matrix {
        let width = widths[index], start = activationOffsets[index]
        return Matrix(rows: batchSize, columns: width, storage: Array(values[start..<(start + batchSize * width)]))
    }

    /// The network's output for the current batch (logits or predicted values), copied.
    public var output: Matrix { activations(at: widths.count - 1) }
}
