import Foundation
import Testing
@testable import LRFinder

/// Schedules without a golden file, against values worked out by hand from PyTorch's
/// `torch/optim/lr_scheduler.py` (2.15) and Keras' documented formulas.
@Suite struct ScheduleTests {
    static func values(_ spec: String, base: Double = 0.1, steps: Int, momentum: Double? = nil) throws -> [ScheduleValue] {
        try Scheduler.sequence(try ScheduleSpec(parsing: spec), initialLearningRate: base, initialMomentum: momentum, steps: steps)
    }

    static func rates(_ spec: String, base: Double = 0.1, steps: Int, momentum: Double? = nil) throws -> [Double] {
        try values(spec, base: base, steps: steps, momentum: momentum).map(\.learningRate)
    }

    static func expectClose(_ got: [Double], _ want: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, sourceLocation: sourceLocation)
        for (index, (g, w)) in zip(got, want).enumerated() where !(abs(g - w) <= 1e-12 + 1e-9 * abs(w)) {
            Issue.record("[\(index)]: \(g), want \(w); got \(got)", sourceLocation: sourceLocation)
            return
        }
    }

    @Test func constantLRMultipliesUntilTotalThenRestores() throws {
        // ConstantLR(factor=0.5, total_iters=4) on 0.1: 0.05 for steps 0-3, then 0.1.
        Self.expectClose(try Self.rates("constant:factor=0.5,total=4", steps: 6), [0.05, 0.05, 0.05, 0.05, 0.1, 0.1])
    }

    @Test func chainOfChainableSchedulesMultipliesTheirFactors() throws {
        // ChainedScheduler([ConstantLR(factor=0.1, total_iters=20), ExponentialLR(gamma=0.9)]) on
        // 0.05 (PyTorch's docstring example): 0.005 * 0.9^t before step 20, 0.05 * 0.9^t from it.
        let want = (0..<24).map { t in 0.05 * (t < 20 ? 0.1 : 1) * pow(0.9, Double(t)) }
        Self.expectClose(try Self.rates("chain:constant(factor=0.1,total=20)|exponential(gamma=0.9)", base: 0.05, steps: 24), want)
    }

    @Test func chainAppliesEachScheduleToTheRateThePreviousLeft() throws {
        // LambdaLR sets base * f(t) at every step and ExponentialLR then multiplies by 0.9 once:
        // 0.5 b at step 0 (ExponentialLR's first step changes nothing), then 0.45 b for good.
        Self.expectClose(try Self.rates("chain:lambda(f=0.5)|exponential(gamma=0.9)", base: 1, steps: 4), [0.5, 0.45, 0.45, 0.45])
        // ExponentialLR(0.5) then CosineAnnealingLR(T_max=2) on 1: the cosine's ratio form
        // multiplies what the exponential left (1/2 at t=1, 0 at t=2); at t=3 = T_max + 1 it adds
        // (1 - cos(pi/2)) / 2 = 0.5 to the 0 left; at t=4 the ratio is 2/1, at t=5 it is 1/2.
        Self.expectClose(try Self.rates("chain:exponential(gamma=0.5)|cosine(t-max=2)", base: 1, steps: 6), [1, 0.25, 0, 0.5, 0.5, 0.125])
    }

    @Test func sequentialRestartsTheNextScheduleAtItsMilestone() throws {
        // StepLR(2, 0.5) for steps 0-2, then MultiplicativeLR(0.9) from step 3: SequentialLR's
        // _update_lr(0) has no closed form for it, so it multiplies the current 0.5 by f(0) = 0.9.
        Self.expectClose(try Self.rates("sequential:step(size=2,gamma=0.5)|multiplicative(f=0.9)@3", base: 1, steps: 5),
                         [1, 1, 0.5, 0.45, 0.405])
        // ConstantLR then ExponentialLR (PyTorch's SequentialLR docstring, milestone 2 here):
        // 0.1 * 0.1 twice, then the exponential's closed form from the base, 0.1 * 0.9^(t-2).
        Self.expectClose(try Self.rates("sequential:constant(factor=0.1,total=2)|exponential(gamma=0.9)@2", steps: 5),
                         [0.01, 0.01, 0.1, 0.09, 0.081])
    }

    @Test func sequentialWithOneCycleFollowsPyTorchsParameterGroup() throws {
        // OneCycleLR's constructor sets initial_lr = max/div = 0.04 and momentum = 0.95 on the
        // optimizer; SequentialLR then resets the rate to initial_lr, so LinearLR(0.5, 2) warms up
        // from 0.04: 0.02, 0.02 * 1.5 = 0.03, then OneCycleLR from its step 0 (0.04).
        let values = try Self.values("sequential:linear(start-factor=0.5,total=2)|onecycle(max=1,total=10)@2", base: 0.1, steps: 4, momentum: 0.9)
        Self.expectClose(values.map(\.learningRate).prefix(3).map { $0 }, [0.02, 0.03, 0.04])
        Self.expectClose(values.prefix(3).map { $0.momentum ?? .nan }, [0.95, 0.95, 0.95])
        #expect(values[3].momentum! < 0.95)
    }

    @Test func oneCycleByEpochsTimesStepsEqualsByTotal() throws {
        let byTotal = try Self.rates("onecycle:max=0.01,total=60", steps: 60, momentum: 0.9)
        let byEpochs = try Self.rates("onecycle:max=0.01,epochs=6,steps-per-epoch=10", steps: 60, momentum: 0.9)
        #expect(byTotal == byEpochs)
        // From PyTorch's phases: start max/25, peak at step 0.3 * 60 - 1 = 17, end (max/25)/1e4 at 59.
        #expect(abs(byEpochs[0] - 4e-4) < 1e-15)
        #expect(abs(byEpochs[17] - 0.01) < 1e-15)
        #expect(abs(byEpochs[59] - 4e-8) < 1e-18)
        // Step 3 of 17 rising: 0.01 + (4e-4 - 0.01) / 2 * (cos(pi * 3/17) + 1).
        #expect(abs(byEpochs[3] - (0.01 + (4e-4 - 0.01) / 2 * (cos(Double.pi * 3 / 17) + 1))) < 1e-15)
        // Mid-rise, a fraction 8.5/17 = 0.5: the midpoint of 4e-4 and 1e-2.
        var settings = OneCycleSettings(max: 0.01)
        settings.totalSteps = 60
        #expect(abs(CyclicSchedules.oneCycle(settings, step: 8.5).learningRate - (4e-4 + 1e-2) / 2) < 1e-15)
    }

    @Test func oneCycleTakesTheRunLengthWhenTheSpecHasNone() throws {
        let spec = try ScheduleSpec(parsing: "onecycle:max=0.01")
        let scheduler = try Scheduler(spec: spec, initialLearningRate: 1e-3, runLength: 470)
        guard case let .oneCycle(settings) = scheduler.spec.kind else { Issue.record("not onecycle"); return }
        #expect(settings.totalSteps == 470)
        #expect(throws: ScheduleError.self) { try Scheduler(spec: spec, initialLearningRate: 1e-3) }
    }

    @Test func kerasCosineDecayWithWarmup() throws {
        // CosineDecay(0.001, decay_steps=100, alpha=0.1, warmup_target=0.01, warmup_steps=10):
        // a line 0.001 -> 0.01 over 10 steps, then 0.01 * ((1 - alpha) * 0.5 (1 + cos(pi s / 100)) + alpha).
        let kind = try ScheduleSpec(parsing: "keras-cosine:steps=100,alpha=0.1,warmup-target=0.01,warmup-steps=10").kind
        func rate(_ t: Double) -> Double { KerasSchedules.rate(kind, initial: 0.001, step: t)! }
        #expect(abs(rate(0) - 0.001) < 1e-15)
        #expect(abs(rate(5) - 0.0055) < 1e-15)
        #expect(abs(rate(10) - 0.01) < 1e-15)
        #expect(abs(rate(60) - 0.01 * (0.9 * 0.5 + 0.1)) < 1e-15)
        #expect(abs(rate(110) - 0.001) < 1e-15)
        #expect(abs(rate(500) - 0.001) < 1e-15)
        // Without warm-up: cosine decay from the initial rate, held at alpha * initial after decay_steps.
        let plain = try ScheduleSpec(parsing: "keras-cosine:steps=100,alpha=0.2").kind
        #expect(abs(KerasSchedules.rate(plain, initial: 0.1, step: 50)! - 0.1 * (0.8 * 0.5 + 0.2)) < 1e-15)
        #expect(abs(KerasSchedules.rate(plain, initial: 0.1, step: 150)! - 0.02) < 1e-15)
    }

    @Test func defaultUnits() throws {
        #expect(try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2").unit == .batch)
        #expect(try ScheduleSpec(parsing: "onecycle:max=1e-2").unit == .batch)
        #expect(try ScheduleSpec(parsing: "step:size=3").unit == .epoch)
        #expect(try ScheduleSpec(parsing: "plateau").unit == .epoch)
        #expect(try ScheduleSpec(parsing: "step:size=3,unit=batch").unit == .batch)
        #expect(try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2,unit=epoch").unit == .epoch)
        #expect(try ScheduleSpec(parsing: "keras-decay:decay=0.01").unit == .batch)
    }

    @Test func momentumCyclesByDefaultAsInPyTorch() throws {
        // cycle_momentum defaults to True: momentum starts at max-momentum even on an optimizer
        // configured without one (PyTorch's SGD then runs with it), and stays nil when turned off.
        let spec = try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2,step-up=2")
        #expect(try Scheduler(spec: spec, initialLearningRate: 1, initialMomentum: 0.5).momentum == 0.9)
        let values = try Scheduler.sequence(spec, initialLearningRate: 1, initialMomentum: nil, steps: 5)
        Self.expectClose(values.map { $0.momentum ?? .nan }, [0.9, 0.85, 0.8, 0.85, 0.9])
        let off = try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2,momentum=false")
        #expect(try Scheduler(spec: off, initialLearningRate: 1, initialMomentum: 0.9).momentum == nil)
        #expect(try Scheduler(spec: try ScheduleSpec(parsing: "step:size=2"), initialLearningRate: 1, initialMomentum: 0.9).momentum == nil)
    }

    @Test func plateauInsideAChainReducesTheRateTheChainCarries() throws {
        // An extension (PyTorch's ChainedScheduler refuses ReduceLROnPlateau): it acts in turn on
        // the current rate, so its reduction compounds with the exponential decay.
        var scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "chain:exponential(gamma=0.5)|plateau(patience=0,factor=0.1)"),
                                      initialLearningRate: 1)
        #expect(scheduler.needsMetric)
        scheduler.step(metric: 1)  // improvement on +inf: only the decay
        #expect(abs(scheduler.learningRate - 0.5) < 1e-15)
        scheduler.step(metric: 1)  // one bad epoch > patience 0: decay and reduction
        #expect(abs(scheduler.learningRate - 0.025) < 1e-15)
    }

    @Test func codeBuiltSpecsAreCheckedToo() {
        let nested = ScheduleSpec(.chain([ScheduleSpec(.chain([ScheduleSpec(.exponential(gamma: 0.9))]))]))
        #expect(throws: ScheduleError("chain: schedules inside it cannot be sequences or chains")) {
            try Scheduler(spec: nested, initialLearningRate: 1)
        }
        let sequence = ScheduleSpec(.sequential([ScheduleSpec(.exponential(gamma: 0.9))], milestones: [3]))
        #expect(throws: ScheduleError("sequential: 1 schedules need 0 milestone(s), got 1")) {
            try Scheduler(spec: sequence, initialLearningRate: 1)
        }
        #expect(throws: ScheduleError("the initial learning rate must be positive, got 0.0")) {
            try Scheduler(spec: ScheduleSpec(.exponential(gamma: 0.9)), initialLearningRate: 0)
        }
    }
}
