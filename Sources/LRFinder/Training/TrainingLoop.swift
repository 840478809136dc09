import Foundation

/// The epoch loop: trains any ``Trainer`` for a number of epochs at a constant or scheduled rate,
/// evaluating the validation split after every epoch, with optional early stopping.
public struct TrainingLoop: Sendable {
    /// Epochs, rate and early stopping (batch size, order, clipping and loss belong to the trainer).
    public var configuration: TrainingConfiguration
    /// Moves the learning rate (and momentum) instead of `configuration.learningRate`: stepped
    /// after every batch or after every epoch, as its unit says. ReduceLROnPlateau watches the
    /// validation loss in `min` mode and in `max` mode `configuration.monitor` when higher is
    /// better for it, else the validation accuracy (the training loss without a validation split).
    public var schedule: Scheduler?

    /// A loop with `configuration` and an optional schedule.
    public init(configuration: TrainingConfiguration, schedule: Scheduler? = nil) {
        self.configuration = configuration
        self.schedule = schedule
    }

    /// Runs `configuration.epochs` epochs (fewer with early stopping, a non-finite loss, a
    /// scheduled rate training cannot use, or when `shouldStop` turns true), then scores the test split with the final (or restored best) weights.
    /// - Parameters:
    ///   - progress: called after every batch.
    ///   - epochEnded: called with each finished epoch's record.
    ///   - shouldStop: polled before every batch (Ctrl-C); a stop keeps what was recorded.
    public func run<T: Trainer>(
        _ trainer: inout T,
        progress: (TrainingProgress) -> Void = { _ in },
        epochEnded: (EpochSummary) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> TrainingResult {
        var records: [EpochSummary] = []
        var stopReason = StopReason.completed
        var stoppingUpdate: StoppingUpdate?
        var best: (epoch: Int, value: Double)?
        var stalled = 0
        var samples = 0
        var trainingSeconds = 0.0, validationSeconds = 0.0
        let batchesPerEpoch = trainer.batchesPerEpoch
        let totalUpdates = try TrainingConfiguration.updateCount(epochs: configuration.epochs, batchesPerEpoch: batchesPerEpoch)
        var update = 0
        var schedule = self.schedule
        var early = configuration.earlyStopping

        epochs: for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            let started = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0, correct: Int?, seen = 0, batches = 0
            var rate = configuration.learningRate, momentum = trainer.defaultMomentum
            for _ in 0..<batchesPerEpoch {
                if shouldStop() { stopReason = .interrupted; break }
                if let schedule {
                    // Checked as it comes: a plateau's rates depend on the metrics of the run.
                    guard LearningRateLimits.problem(withScheduledRate: schedule.learningRate) == nil else {
                        stopReason = .unusableLearningRate
                        stoppingUpdate = StoppingUpdate(epoch: epoch, batch: batches + 1, learningRate: schedule.learningRate)
                        break
                    }
                    rate = schedule.learningRate
                    momentum = schedule.momentum ?? momentum
                }
                let outcome = try trainer.trainNextBatch(learningRate: rate, momentum: schedule?.momentum)
                if schedule?.unit == .batch { schedule?.step(metric: Double(outcome.loss)) }
                guard outcome.loss.isFinite else {
                    stopReason = .nonFiniteLoss
                    stoppingUpdate = StoppingUpdate(epoch: epoch, batch: batches + 1, learningRate: rate)
                    break
                }
                lossSum += Double(outcome.loss) * Double(outcome.count)
                if let right = outcome.correct { correct = (correct ?? 0) + right }
                seen += outcome.count
                batches += 1
                update += 1
                progress(TrainingProgress(epoch: epoch, update: update, totalUpdates: totalUpdates, loss: outcome.loss))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            trainingSeconds += seconds
            samples += seen
            guard seen > 0 else { break }
            let validationStarted = DispatchTime.now().uptimeNanoseconds
            let validation = try trainer.evaluate(.validation)
            validationSeconds += Double(DispatchTime.now().uptimeNanoseconds - validationStarted) / 1e9
            if validation == nil { early = nil }
            let record = EpochSummary(
                epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: correct.map { Double($0) / Double(seen) },
                validationLoss: validation?.loss, validationAccuracy: validation?.accuracy,
                learningRate: rate, momentum: momentum,
                seconds: seconds, complete: batches == batchesPerEpoch, validationRSquared: validation?.regression?.rSquared)
            records.append(record)
            epochEnded(record)
            if schedule?.unit == .epoch {
                var watched = lossSum / Double(seen)
                if let mode = schedule?.spec.kind.plateauMode, let validation {
                    let maximized = configuration.monitor.flatMap { $0.higherIsBetter ? $0 : nil } ?? .accuracy
                    watched = mode == .max ? maximized.value(in: validation) : validation.loss
                }
                schedule?.step(metric: watched)
            }
            if stopReason != .completed { break }
            if let early, let validation {
                let value = early.metric.value(in: validation)
                if let current = best, !early.metric.improves(value, on: current.value, minimumDelta: early.minimumDelta) {
                    stalled += 1
                    if stalled >= early.patience { stopReason = .earlyStopped; break epochs }
                } else {
                    best = (epoch, value)
                    if early.restoresBestWeights { try trainer.keepBestWeights() }
                    stalled = 0
                }
            }
        }
        var restored: Int?
        if let early, early.restoresBestWeights, let best, best.epoch != records.last?.epoch {
            try trainer.restoreBestWeights()
            restored = best.epoch
        }
        let test = try trainer.evaluate(.test)
        return TrainingResult(epochs: records, stopReason: stopReason, bestEpoch: best?.epoch, restoredEpoch: restored,
                              test: test, trainingSeconds: trainingSeconds,
                              samplesPerSecond: trainingSeconds > 0 ? Double(samples) / trainingSeconds : 0,
                              stoppingUpdate: stoppingUpdate, validationSeconds: validationSeconds)
    }
}
