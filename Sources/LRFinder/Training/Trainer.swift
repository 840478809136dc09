import Foundation

/// Trains a network with an optimizer on a training split, evaluating a validation split after
/// every epoch.
///
/// Everything the run depends on is a value held here (weights, optimizer state, the random
/// streams of batch order and dropout), so a copy of a trainer is an independent experiment and
/// the same seed, machine and BLAS thread count give the same run bit for bit.
public struct Trainer: Sendable {
    /// The model being trained.
    public var network: Network
    /// The update rule and its state.
    public var optimizer: any Optimizer
    /// Dropout's random stream.
    public var random: RandomSource

    /// A trainer for `network` with `optimizer`; `seed` fixes the dropout stream.
    public init(network: Network, optimizer: any Optimizer, seed: UInt64 = 0) {
        self.network = network
        self.optimizer = optimizer
        self.random = RandomSource(seed: seed ^ 0xD50F_0D5E_ED00_0001)
    }

    /// One update on the rows `indices` of `data`: forward, loss, backward, clipping, optimizer step.
    /// - Returns: the batch's loss (before the update) and correct count.
    @discardableResult
    public mutating func step(on data: Dataset, indices: some Collection<Int>, workspace: inout Workspace,
                              learningRate: Float, momentum: Float? = nil,
                              clipping: GradientClipping = .none) -> BatchOutcome {
        let outcome = network.computeGradient(features: data.features, labels: data.labels, indices: indices,
                                              workspace: &workspace, random: &random)
        if clipping != .none { _ = clipping.apply(to: &workspace.parameterGradient) }
        optimizer.update(parameters: &network.parameters, gradients: workspace.parameterGradient,
                         learningRate: learningRate, momentum: momentum)
        return outcome
    }

    /// Runs `configuration.epochs` epochs (fewer with early stopping or when `shouldStop` turns true).
    /// - Parameters:
    ///   - train: the training split.
    ///   - validation: evaluated after each epoch (may be empty: then early stopping is off).
    ///   - test: evaluated once at the end with the final (or restored best) weights, if not empty.
    ///   - progress: called after every batch.
    ///   - epochEnded: called with each finished epoch's record.
    ///   - shouldStop: polled before every batch (Ctrl-C); a stop keeps what was recorded.
    ///   - schedule: moves the learning rate (and momentum) instead of `configuration.learningRate`:
    ///     stepped after every batch or after every epoch, as its unit says. ReduceLROnPlateau
    ///     watches the validation loss in `min` mode and the validation accuracy in `max` mode
    ///     (the training loss without a validation split).
    public mutating func train(
        train: Dataset, validation: Dataset, test: Dataset? = nil,
        configuration: TrainingConfiguration, schedule: Scheduler? = nil,
        progress: (TrainingProgress) -> Void = { _ in },
        epochEnded: (EpochRecord) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) -> TrainingResult {
        precondition(train.count > 0, "empty training split")
        var sampler = BatchSampler(sampleCount: train.count, batchSize: configuration.batchSize, seed: configuration.seed)
        var workspace = network.makeWorkspace(batchSize: configuration.batchSize)
        var records: [EpochRecord] = []
        var stopReason = StopReason.completed
        var best: (epoch: Int, value: Double, parameters: [Float])?
        var stalled = 0
        var samples = 0
        var trainingSeconds = 0.0
        let totalSteps = configuration.epochs * sampler.batchesPerEpoch
        var step = 0
        let early = validation.count > 0 ? configuration.earlyStopping : nil
        var schedule = schedule

        epochs: for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            let started = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, correct = 0, seen = 0
            var rate = Double(configuration.learningRate), momentum = optimizer.defaultMomentum.map(Double.init)
            for batch in sampler.nextEpoch() {
                if shouldStop() { stopReason = .interrupted; break }
                if let schedule {
                    rate = schedule.learningRate
                    momentum = schedule.momentum ?? momentum
                }
                let outcome = self.step(on: train, indices: batch, workspace: &workspace, learningRate: Float(rate),
                                        momentum: schedule?.momentum.map(Float.init), clipping: configuration.clipping)
                if schedule?.unit == .batch { schedule?.step(metric: Double(outcome.loss)) }
                guard outcome.loss.isFinite else { stopReason = .nonFiniteLoss; break }
                lossSum += Double(outcome.loss) * Double(batch.count)
                correct += outcome.correct
                seen += batch.count
                step += 1
                progress(TrainingProgress(epoch: epoch, step: step, totalSteps: totalSteps, loss: outcome.loss))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            trainingSeconds += seconds
            samples += seen
            guard seen > 0 else { break }
            let validationResult = validation.count > 0 ? network.evaluate(validation) : nil
            let record = EpochRecord(
                epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy,
                learningRate: rate, momentum: momentum,
                seconds: seconds, complete: seen == train.count)
            records.append(record)
            epochEnded(record)
            if schedule?.unit == .epoch {
                let watched: Double
                if let mode = schedule?.spec.kind.plateauMode, let validationResult {
                    watched = mode == .max ? validationResult.accuracy : validationResult.loss
                } else {
                    watched = lossSum / Double(seen)
                }
                schedule?.step(metric: watched)
            }
            if stopReason != .completed { break }
            if let early, let validationResult {
                let value = early.metric == .loss ? validationResult.loss : validationResult.accuracy
                if let current = best, !early.metric.improves(value, on: current.value, minimumDelta: early.minimumDelta) {
                    stalled += 1
                    if stalled >= early.patience { stopReason = .earlyStopped; break epochs }
                } else {
                    best = (epoch, value, early.restoresBestWeights ? network.parameters : [])
                    stalled = 0
                }
            }
        }
        var restored: Int?
        if let early, early.restoresBestWeights, let best, best.epoch != records.last?.epoch {
            network.parameters = best.parameters
            restored = best.epoch
        }
        let testResult = test.flatMap { $0.count > 0 ? network.evaluate($0) : nil }
        return TrainingResult(epochs: records, stopReason: stopReason, bestEpoch: best?.epoch, restoredEpoch: restored,
                              test: testResult, trainingSeconds: trainingSeconds,
                              samplesPerSecond: trainingSeconds > 0 ? Double(samples) / trainingSeconds : 0)
    }
}

/// Where a training run is, reported after every batch.
public struct TrainingProgress: Sendable {
    /// Current epoch, from 1.
    public var epoch: Int
    /// Updates done so far, over all epochs.
    public var step: Int
    /// Updates planned in all.
    public var totalSteps: Int
    /// The last batch's loss.
    public var loss: Float
}

/// Why a training run ended.
public enum StopReason: String, Sendable, Codable {
    /// Every planned epoch ran.
    case completed
    /// Early stopping fired.
    case earlyStopped = "early-stopped"
    /// A batch loss was NaN or infinite.
    case nonFiniteLoss = "non-finite-loss"
    /// The caller asked to stop (Ctrl-C).
    case interrupted
}

/// What one epoch did.
public struct EpochRecord: Equatable, Sendable, Codable {
    /// Epoch number, from 1.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (weighted by batch size).
    public var trainLoss: Double
    /// Training accuracy over the epoch's batches (as the weights moved).
    public var trainAccuracy: Double
    /// Validation loss after the epoch; nil without a validation split.
    public var validationLoss: Double?
    /// Validation accuracy after the epoch.
    public var validationAccuracy: Double?
    /// Learning rate in use (the last update's, when a schedule moves it).
    public var learningRate: Double
    /// Momentum or beta1 in use, when the optimizer has one.
    public var momentum: Double?
    /// Wall time of the epoch's updates (without evaluation).
    public var seconds: Double
    /// False when the epoch was cut short (interrupt or non-finite loss).
    public var complete: Bool
}

/// The outcome of a training run.
public struct TrainingResult: Equatable, Sendable, Codable {
    /// One record per epoch run.
    public var epochs: [EpochRecord]
    /// Why it ended.
    public var stopReason: StopReason
    /// The epoch with the best monitored metric (with early stopping).
    public var bestEpoch: Int?
    /// The epoch whose weights were restored at the end, if not the last.
    public var restoredEpoch: Int?
    /// Test loss and accuracy with the final weights.
    public var test: Evaluation?
    /// Wall time of all updates.
    public var trainingSeconds: Double
    /// Training throughput: samples per second of forward, loss, backward and update.
    public var samplesPerSecond: Double
}
