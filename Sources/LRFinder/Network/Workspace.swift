/// Preallocated buffers for one network's forward and backward passes, so a training step
/// allocates nothing.
///
/// `activations[0]` is the input batch and `activations[i + 1]` the output of layer `i`;
/// `deltas[i]` is dLoss/d(activations[i]), with `deltas[layers.count]` the loss gradient.
public struct Workspace: Sendable {
    /// Layer inputs and outputs, batch x width each.
    public var activations: [Matrix]
    /// Gradients of the loss with respect to each activation.
    public var deltas: [Matrix]
    /// Dropout keep factors per layer (empty for other layers or at evaluation).
    public var masks: [[Float]]
    /// Labels of the current batch.
    public var labels: [Int32]
    /// dLoss/dParameters, laid out like `Network.parameters`.
    public var parameterGradient: [Float]

    init(network: Network, batchSize: Int) {
        var widths = [network.inputWidth]
        for layer in network.layers { widths.append(layer.outputWidth(inputWidth: widths.last!)) }
        activations = widths.map { Matrix(rows: batchSize, columns: $0) }
        deltas = widths.map { Matrix(rows: batchSize, columns: $0) }
        masks = Array(repeating: [], count: network.layers.count)
        labels = []
        labels.reserveCapacity(batchSize)
        parameterGradient = [Float](repeating: 0, count: network.parameterCount)
    }

    /// The input batch.
    public var input: Matrix { activations[0] }

    /// The network's output (logits) for the current batch.
    public var output: Matrix { activations[activations.count - 1] }

    /// Copies the rows at `indices` of `features` and their labels in as the current batch.
    public mutating func load(features: Matrix, labels source: [Int32], indices: some Collection<Int>) {
        activations[0].gatherRows(from: features, indices: indices)
        labels.removeAll(keepingCapacity: true)
        for index in indices { labels.append(source[index]) }
    }
}
