import Foundation

/// Trains a ``Network`` in this process with an optimizer on a prepared data set.
///
/// Everything the run depends on is a value held here (weights, batch-norm statistics, optimizer
/// state, the random streams of batch order and dropout), so a copy is an independent experiment
/// and the same seed, machine and BLAS thread count give the same run bit for bit.
public struct EmbeddedTrainer: Trainer, Sendable {
    /// The model being trained.
    public var network: Network
    /// The update rule and its state.
    public var optimizer: any Optimizer
    /// The splits.
    public let data: PreparedData
    /// The loss minimised (by default cross-entropy for classes, squared error for values).
    public let loss: LossFunction
    /// Gradient clipping applied before every update.
    public var clipping: GradientClipping
    /// Dropout's random stream.
    public var random: RandomSource
    private var sampler: BatchSampler
    private var pending: [ArraySlice<Int>] = []
    private var workspace: Workspace
    private var evaluationWorkspace: Workspace?
    private var best: (parameters: [Float], state: [Float])?

    /// A trainer for `network` on `data`, batches of `batchSize` in an order seeded by `seed`
    /// (which also seeds dropout); `dropsLastBatch` leaves out each epoch's smaller last batch;
    /// `loss` nil takes the task's (``Task/loss``).
    public init(network: Network, optimizer: any Optimizer, data: PreparedData, batchSize: Int, seed: UInt64,
                clipping: GradientClipping = .none, dropsLastBatch: Bool = false, loss: LossFunction? = nil) {
        self.init(network: network, optimizer: optimizer, data: data,
                  settings: TrainerSettings(batchSize: batchSize, seed: seed, clipping: clipping, loss: loss), dropsLastBatch: dropsLastBatch)
    }

    /// A trainer for `network` on `data` with the batch size, batch order, clipping and loss of
    /// `settings`; `dropsLastBatch` leaves out each epoch's smaller last batch.
    public init(network: Network, optimizer: any Optimizer, data: PreparedData, settings: TrainerSettings, dropsLastBatch: Bool = false) {
        let (batchSize, seed, clipping) = (settings.batchSize, settings.seed, settings.clipping)
        precondition(data.train.count > 0, "empty training split")
        precondition(network.inputWidth == data.train.featureCount,
                     "network input of \(network.inputWidth) values for samples of \(data.train.featureCount)")
        self.network = network
        self.optimizer = optimizer
        self.data = data
        let loss = settings.loss ?? data.task.loss
        precondition(loss.fits(data.task), "loss \(loss) for a \(data.task.rawValue) task")
        self.loss = loss
        self.clipping = clipping
        self.random = RandomSource(seed: seed ^ 0xD50F_0D5E_ED00_0001)
        self.sampler = BatchSampler(sampleCount: data.train.count, batchSize: batchSize, seed: seed, dropLast: dropsLastBatch)
        self.workspace = network.makeWorkspace(batchSize: Swift.min(batchSize, data.train.count))
    }

    /// Samples per batch.
    public var batchSize: Int { sampler.batchSize }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int { sampler.batchesPerEpoch }

    /// The optimizer's momentum or beta1.
    public var defaultMomentum: Double? { optimizer.defaultMomentum.map(Double.init) }

    /// One update on the next batch of the shuffled training split.
    public mutating func trainNextBatch(learningRate: Double, momentum: Double?) -> BatchOutcome {
        if pending.isEmpty { pending = sampler.nextEpoch().reversed() }
        return update(indices: pending.removeLast(), learningRate: Float(learningRate), momentum: momentum.map(Float.init))
    }

    /// One update on the rows `indices` of the training split: forward, loss, backward,
    /// clipping, optimizer step.
    /// - Returns: the batch's loss (before the update) and correct count.
    @discardableResult
    public mutating func update(indices: some Collection<Int>, learningRate: Float, momentum: Float? = nil) -> BatchOutcome {
        let outcome = network.computeGradient(features: data.train.features, targets: data.train.targets, indices: indices,
                                              loss: loss, workspace: &workspace, random: &random)
        if clipping != .none { _ = clipping.apply(to: &workspace.parameterGradient) }
        optimizer.update(parameters: &network.parameters, gradients: workspace.parameterGradient,
                         learningRate: learningRate, momentum: momentum)
        return outcome
    }

    /// Loss and accuracy (or the regression report, in the target's own units) of a split in
    /// evaluation mode, by batches of up to 1,000 samples.
    public mutating func evaluate(_ split: DataPart) -> Evaluation? {
        let dataset = data[split]
        guard dataset.count > 0 else { return nil }
        let capacity = Swift.min(1000, dataset.count)
        if (evaluationWorkspace?.capacity ?? 0) < capacity { evaluationWorkspace = network.makeEvaluationWorkspace(batchSize: capacity) }
        var evaluation = evaluatedNetwork.evaluate(dataset, loss: loss, workspace: &evaluationWorkspace!)
        if let standardization = data.targetStandardization {
            evaluation.regression = evaluation.regression?.inOriginalUnits(of: standardization)
        }
        return evaluation
    }

    /// Keeps a copy of the weights (at the optimizer's evaluation point) and batch-norm statistics.
    public mutating func keepBestWeights() { best = (evaluatedParameters, network.state) }

    /// Puts back the kept weights and statistics, if any.
    public mutating func restoreBestWeights() {
        guard let best else { return }
        network.parameters = best.parameters
        network.state = best.state
    }

    /// The parameters the model is evaluated at, kept as the best and saved: the optimizer's
    /// ``Optimizer/evaluationParameters(for:)``, or the trained parameters themselves.
    public var evaluatedParameters: [Float] { optimizer.evaluationParameters(for: network.parameters) ?? network.parameters }

    /// The network at the optimizer's evaluation point (the network itself for most optimizers).
    public var evaluatedNetwork: Network {
        guard let parameters = optimizer.evaluationParameters(for: network.parameters) else { return network }
        var network = network
        network.parameters = parameters
        return network
    }

    /// Everything a run of this trainer depends on but its scratch buffers.
    public struct Snapshot: Sendable {
        fileprivate var network: Network
        fileprivate var optimizer: any Optimizer
        fileprivate var random: RandomSource
        fileprivate var sampler: BatchSampler
        fileprivate var pending: [ArraySlice<Int>]
        fileprivate var best: (parameters: [Float], state: [Float])?
    }

    /// Weights, statistics, optimizer state, batch order, random streams and kept best weights.
    public func snapshot() -> Snapshot {
        Snapshot(network: network, optimizer: optimizer, random: random, sampler: sampler, pending: pending, best: best)
    }

    /// Goes back to `snapshot` (a snapshot of a trainer for the same network and data).
    public mutating func restore(_ snapshot: Snapshot) {
        network = snapshot.network
        optimizer = snapshot.optimizer
        random = snapshot.random
        sampler = snapshot.sampler
        pending = snapshot.pending
        best = snapshot.best
    }
}
