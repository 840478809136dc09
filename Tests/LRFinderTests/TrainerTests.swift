import Foundation
import Testing
@testable import LRFinder

@Suite struct TrainerTests {
    /// A trainer whose network is initialised from `seed`; batch size, clipping and the seed of
    /// batch order and dropout are `settings`'.
    func makeTrainer(seed: UInt64, spec: String = "dense:64,relu", optimizer: any Optimizer = Adam.adamW(),
                     settings: TrainerSettings = TrainerSettings()) -> EmbeddedTrainer {
        let data = Fixtures.preparedDigits
        let network = try! Network(spec: try! ModelSpec(parsing: spec), inputShape: .vector(data.featureCount),
                                   outputs: data.classCount, seed: seed)
        return EmbeddedTrainer(network: network, optimizer: optimizer, data: data, settings: settings)
    }

    @Test func digitsReachNinetyPercentValidationAccuracy() throws {
        BLASRuntime.setThreadCount(1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 8
        configuration.learningRate = 3e-3
        var trainer = makeTrainer(seed: 0)
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        #expect(result.epochs.count == 8)
        let accuracy = result.epochs.last!.validationAccuracy!
        #expect(accuracy >= 0.90, "validation accuracy \(accuracy)")
        #expect(result.test!.accuracy! >= 0.88)
        // The training loss falls.
        #expect(result.epochs.last!.trainLoss < 0.5 * result.epochs.first!.trainLoss)
    }

    @Test func sameSeedSameRunBitForBit() throws {
        BLASRuntime.setThreadCount(1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 2
        let loop = TrainingLoop(configuration: configuration)
        var first = makeTrainer(seed: 5, spec: "dense:32,relu,dropout:0.2")
        var second = makeTrainer(seed: 5, spec: "dense:32,relu,dropout:0.2")
        let a = try loop.run(&first)
        let b = try loop.run(&second)
        #expect(first.network.parameters == second.network.parameters)
        #expect(a.epochs.map(\.trainLoss) == b.epochs.map(\.trainLoss))
        var third = makeTrainer(seed: 6, spec: "dense:32,relu,dropout:0.2")
        _ = try loop.run(&third)
        #expect(third.network.parameters != first.network.parameters)
    }

    @Test func stepEqualsHandComputedSGDUpdate() {
        // One plain SGD step is parameters - lr * gradient of the batch.
        let data = Fixtures.preparedDigits
        var trainer = makeTrainer(seed: 1, optimizer: SGD())
        var probeNetwork = trainer.network
        var probe = probeNetwork.makeWorkspace(batchSize: 16)
        var stream = trainer.random
        probeNetwork.computeGradient(features: data.train.features, targets: data.train.targets, indices: 0..<16,
                                     loss: .crossEntropy, workspace: &probe, random: &stream)
        let expected = zip(trainer.network.parameters, probe.parameterGradient).map { $0 - 0.1 * $1 }
        trainer.update(indices: 0..<16, learningRate: 0.1)
        #expect(trainer.network.parameters == expected)
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        BLASRuntime.setThreadCount(1)
        let data = Fixtures.preparedDigits
        // A rate far too high (SGD at 0.5 with momentum 0.9) makes the validation loss worsen
        // after the first epochs: early stopping fires long before epoch 30.
        var configuration = TrainingConfiguration()
        configuration.epochs = 30
        configuration.learningRate = 0.5
        configuration.earlyStopping = EarlyStopping(metric: .loss, patience: 2)
        var trainer = makeTrainer(seed: 2, optimizer: SGD(momentum: 0.9))
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        #expect(result.stopReason == .earlyStopped)
        let losses = result.epochs.compactMap(\.validationLoss)
        let best = try #require(result.bestEpoch)
        #expect(losses.count == result.epochs.count && losses.indices.min { losses[$0] < losses[$1] } == best - 1)
        // Patience 2: the two epochs after the best do not beat it, then the loop stops.
        #expect(result.epochs.count == best + 2, "\(losses)")
        #expect(result.restoredEpoch == best)
        // The restored weights are those of the best epoch: the same run, stopped after it.
        var atBest = makeTrainer(seed: 2, optimizer: SGD(momentum: 0.9))
        var shorter = configuration
        shorter.epochs = best
        shorter.earlyStopping = nil
        let first = try TrainingLoop(configuration: shorter).run(&atBest)
        #expect(first.epochs.map(\.validationLoss) == result.epochs.prefix(best).map(\.validationLoss))
        #expect(trainer.network.parameters == atBest.network.parameters)
        // Not the last epoch's: without the restore the run ends elsewhere.
        var unrestored = makeTrainer(seed: 2, optimizer: SGD(momentum: 0.9))
        var kept = configuration
        kept.earlyStopping?.restoresBestWeights = false
        let last = try TrainingLoop(configuration: kept).run(&unrestored)
        #expect(last.epochs.count == result.epochs.count && last.restoredEpoch == nil)
        #expect(unrestored.network.parameters != trainer.network.parameters)
        // And they give the best epoch's validation loss again.
        let again = trainer.network.evaluate(data.validation, loss: .crossEntropy).loss
        #expect(abs(again - losses[best - 1]) < 1e-9)
    }

    @Test func interruptKeepsWhatWasRecorded() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = 5
        var trainer = makeTrainer(seed: 3)
        var polls = 0
        let result = try TrainingLoop(configuration: configuration).run(&trainer, shouldStop: { polls += 1; return polls > 20 })
        #expect(result.stopReason == .interrupted)
        #expect(result.epochs.count == 2)   // 17 batches per epoch: epoch 1 whole, epoch 2 cut after 3
        #expect(result.epochs[0].complete && !result.epochs[1].complete)
        #expect(result.test != nil)
    }

    @Test func nonFiniteLossStops() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = 3
        configuration.learningRate = 1e30
        var trainer = makeTrainer(seed: 4, optimizer: SGD())
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        #expect(result.stopReason == .nonFiniteLoss)
    }
}

/// The trainer under a schedule: the rate each update uses and the one each epoch reports.
@Suite struct ScheduledTrainingTests {
    @Test func stepScheduleSetsEachEpochsRate() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = 4
        configuration.learningRate = 0.04
        var trainer = TrainerTests().makeTrainer(seed: 1, optimizer: SGD(momentum: 0.9))
        let scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "step:size=2,gamma=0.5"), initialLearningRate: 0.04, initialMomentum: 0.9)
        let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(&trainer)
        #expect(result.epochs.map(\.learningRate) == [0.04, 0.04, 0.02, 0.02])
    }

    @Test func scheduledUpdatesEqualHandDrivenSteps() throws {
        // One epoch of one-cycle through the training loop equals calling step(...) with the
        // schedule's rate and beta1 by hand on the same batches.
        let data = Fixtures.preparedDigits
        var configuration = TrainingConfiguration()
        configuration.epochs = 1
        let settings = TrainerSettings(batchSize: 100)
        let spec = try ScheduleSpec(parsing: "onecycle:max=0.01")
        let batches = (data.train.count + 99) / 100
        let scheduler = try Scheduler(spec: spec, initialLearningRate: 1e-3, initialMomentum: 0.9, runLength: batches)
        var automatic = TrainerTests().makeTrainer(seed: 2, settings: settings)
        var manual = automatic
        _ = try TrainingLoop(configuration: configuration, schedule: scheduler).run(&automatic)
        var sampler = BatchSampler(sampleCount: data.train.count, batchSize: 100, seed: settings.seed)
        var driver = scheduler
        for batch in sampler.nextEpoch() {
            manual.update(indices: batch, learningRate: Float(driver.learningRate), momentum: driver.momentum.map(Float.init))
            driver.step()
        }
        #expect(manual.network.parameters == automatic.network.parameters)
        #expect(driver.stepCount == batches)
    }

    @Test(arguments: [PlateauMode.max, PlateauMode.min])
    func plateauWatchesTheValidationMetricOfItsMode(mode: PlateauMode) throws {
        // patience 0: every epoch that does not beat the best (relative 1e-4) halves the next epoch's rate.
        var configuration = TrainingConfiguration()
        configuration.epochs = 8
        configuration.learningRate = 0.02
        var trainer = TrainerTests().makeTrainer(seed: 3)
        let spec = try ScheduleSpec(parsing: "plateau:mode=\(mode.rawValue),patience=0,factor=0.5")
        let scheduler = try Scheduler(spec: spec, initialLearningRate: 0.02)
        let epochs = try TrainingLoop(configuration: configuration, schedule: scheduler).run(&trainer).epochs
        var best = mode == .max ? -Double.infinity : Double.infinity
        for (index, epoch) in epochs.dropLast().enumerated() {
            let value = mode == .max ? epoch.validationAccuracy! : epoch.validationLoss!
            let improves = mode == .max ? value > best * (1 + 1e-4) : value < best * (1 - 1e-4)
            if improves { best = value }
            let expected = improves ? epoch.learningRate : epoch.learningRate * 0.5
            #expect(abs(epochs[index + 1].learningRate - expected) < 1e-12, "epoch \(index + 2)")
        }
    }
}
