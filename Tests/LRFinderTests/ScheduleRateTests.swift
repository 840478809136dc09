import Foundation
import Testing
@testable import LRFinder

/// Issue 10, item 6 (and 9, 13): rates a schedule gives that training cannot use are refused
/// with their step and value; schedules stream; the loop says which rate a run stopped at.
@Suite struct ScheduleRateTests {
    static func check(_ text: String, steps: Int, rate: Double = 1e-3) throws {
        try Scheduler(spec: ScheduleSpec(parsing: text), initialLearningRate: rate, runLength: steps).checkRates(steps: steps)
    }

    @Test(arguments: [
        ("lambda:f=-1", "learning rate -0.001 at step 0 (per epoch) is negative"),
        ("lambda:f=0/0", "learning rate NaN at step 0 (per epoch) is not a number"),
        ("lambda:f=epoch < 3 ? 1 : 1/0", "learning rate inf at step 3 (per epoch) is infinite"),
        ("multiplicative:f=epoch < 2 ? 1 : -1,unit=batch", "learning rate -0.001 at step 2 (per batch) is negative"),
        ("chain:constant(factor=0.5)|lambda(f=log(epoch - 1))", "learning rate NaN at step 0 (per epoch) is not a number"),
    ])
    func unusableRatesNameTheStepAndValue(spec: String, message: String) throws {
        #expect { try Self.check(spec, steps: 10) } throws: { "\($0)" == message }
    }

    @Test func exponentialOverflowIsFoundAtItsStep() throws {
        // 1e-3 * 1e20^t: 1e17 at t = 1, 1e37 at t = 2, 1e57 at t = 3 (above Float's 3.4e38).
        #expect {
            try Self.check("exponential:gamma=1e20", steps: 10)
        } throws: { error in
            guard let error = error as? UnusableLearningRate else { return false }
            return error.step == 3 && error.unit == .epoch && abs(error.learningRate / 1e57 - 1) < 1e-12
                && error.reason == "is above Float's largest value 3.403e+38 (the optimizers compute in Float)"
        }
        // The same schedule over 3 steps never gets there.
        try Self.check("exponential:gamma=1e20", steps: 3)
    }

    @Test func decayingTowardsZeroIsAllowed() throws {
        // 0.0016 * 0.1^t reaches 0 (Double) by the thousands of epochs; PyTorch does the same.
        try Self.check("step:size=10", steps: 5_000)
        try Self.check("cosine:t-max=10", steps: 30)
        try Self.check("linear:start-factor=1,end-factor=0,total=4", steps: 8)
    }

    @Test func stepsStreamWhatSequenceGives() throws {
        let spec = try ScheduleSpec(parsing: "cyclic:base=0.001,max=0.1,step-up=3")
        let all = try Scheduler.sequence(spec, initialLearningRate: 0.01, initialMomentum: 0.9, steps: 20)
        var steps = try Scheduler.steps(spec, initialLearningRate: 0.01, initialMomentum: 0.9, steps: 20)
        #expect(steps.underestimatedCount == 20)
        #expect(steps.next() == all[0])
        #expect(Array(steps) == Array(all.dropFirst()))
        // A billion steps cost one scheduler: nothing is computed until read.
        var long = try Scheduler.steps(ScheduleSpec(parsing: "step:size=10"), initialLearningRate: 1, steps: 1_000_000_000)
        #expect(long.next()?.learningRate == 1)
        #expect(long.underestimatedCount == 999_999_999)
    }

    @Test func theLoopStopsAtAnUnusableRateAndNamesIt() throws {
        // A plateau's rates depend on the run, so the loop checks every rate as it comes.
        var configuration = TrainingConfiguration()
        configuration.epochs = 3
        configuration.learningRate = 0.5
        let scheduler = try Scheduler(spec: ScheduleSpec(parsing: "lambda:f=epoch < 2 ? 1 : -1"), initialLearningRate: 0.5)
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 9), batchesPerEpoch: 3)
        let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(&trainer)
        #expect(result.stopReason == .unusableLearningRate)
        #expect(result.stoppingUpdate == StoppingUpdate(epoch: 3, batch: 1, learningRate: -0.5))
        // Nothing trained at the negative rate; the epochs before it are whole.
        #expect(trainer.learningRates == Array(repeating: 0.5, count: 6))
        #expect(result.epochs.count == 2)
    }

    @Test func aNonFiniteLossNamesTheScheduledRateInUse() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = 2
        configuration.learningRate = 0.001
        let scheduler = try Scheduler(spec: ScheduleSpec(parsing: "exponential:gamma=1000,unit=batch"), initialLearningRate: 0.001)
        var trainer = ScriptedTrainer(losses: [1, 2, .infinity, 1], batchesPerEpoch: 2)
        let result = try TrainingLoop(configuration: configuration, schedule: scheduler).run(&trainer)
        #expect(result.stopReason == .nonFiniteLoss)
        // Not the configured 0.001: the third update ran at 0.001 * 1000^2.
        let stop = try #require(result.stoppingUpdate)
        #expect(stop.epoch == 2 && stop.batch == 1)
        #expect(abs(stop.learningRate - 1000) < 1e-9)
        var finite = ScriptedTrainer(losses: [1, 2, 3, 4], batchesPerEpoch: 2)
        #expect(try TrainingLoop(configuration: configuration).run(&finite).stoppingUpdate == nil)
    }

    @Test func givenRatesMustBeNormalFloats() {
        #expect(LearningRateLimits.problem(withGivenRate: 1e-3) == nil)
        #expect(LearningRateLimits.problem(withGivenRate: Double(Float.leastNormalMagnitude)) == nil)
        #expect(LearningRateLimits.problem(withGivenRate: Double(Float.greatestFiniteMagnitude)) == nil)
        #expect(LearningRateLimits.problem(withGivenRate: -1) == "must be a positive number")
        #expect(LearningRateLimits.problem(withGivenRate: .nan) == "must be a positive number")
        #expect(LearningRateLimits.problem(withGivenRate: 1e-300)?.hasPrefix("must be at least Float's smallest normal value 1.175e-38") == true)
        #expect(LearningRateLimits.problem(withGivenRate: 1e300)?.hasPrefix("must be at most Float's largest value 3.403e+38") == true)
        #expect(LearningRateLimits.problem(withScheduledRate: 0) == nil)
        #expect(LearningRateLimits.problem(withScheduledRate: 1e-45) == nil)
        #expect(LearningRateLimits.text(-Double.nan) == "NaN")
    }

    /// `--min 1e-300 --max 1e300` gave `inf` at step 2: max/min overflows, so the sweep goes
    /// through log space; the ends stay exact.
    @Test func anExtremeSweepStaysFinite() {
        let count = 100
        let rates = (0..<count).map { LearningRateSpacing.exponential.learningRate(step: $0, of: count, from: 1e-300, to: 1e300) }
        #expect(rates.first == 1e-300 && rates.last == 1e300)
        #expect(rates.allSatisfy { $0.isFinite })
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 < $1 })
        // Equal ratios: 600 decades over 99 steps.
        #expect(abs(log10(rates[50]) - (-300 + 600 * 50.0 / 99)) < 1e-9)
        let linear = (0..<count).map { LearningRateSpacing.linear.learningRate(step: $0, of: count, from: -1.7e308, to: 1.7e308) }
        #expect(linear.allSatisfy { $0.isFinite } && linear.first == -1.7e308 && linear.last == 1.7e308)
    }
}
