import Foundation
import Testing
@testable import LRFinder

/// Schedules without a golden file, against the formulas in PyTorch's and Keras' documentation,
/// the formula language and the spec syntax's errors.
@Suite struct ScheduleTests {
    static func rates(_ spec: String, base: Double = 0.1, steps: Int, momentum: Double? = nil) throws -> [Double] {
        try Scheduler.sequence(try ScheduleSpec(parsing: spec), initialLearningRate: base, initialMomentum: momentum, steps: steps).map(\.learningRate)
    }

    static func expectClose(_ got: [Double], _ want: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, sourceLocation: sourceLocation)
        for (g, w) in zip(got, want) { #expect(abs(g - w) <= 1e-12 + 1e-9 * abs(w), "\(got) vs \(want)", sourceLocation: sourceLocation) }
    }

    @Test func constantLRMultipliesUntilTotalThenRestores() throws {
        // ConstantLR(factor=0.5, total_iters=4): 0.05 for epochs 0-3, then 0.1 (PyTorch docs example).
        Self.expectClose(try Self.rates("constant:factor=0.5,total=4", steps: 6), [0.05, 0.05, 0.05, 0.05, 0.1, 0.1])
    }

    @Test func chainMultipliesTheFactors() throws {
        // ChainedScheduler([ConstantLR(factor=0.1, total_iters=2), ExponentialLR(gamma=0.9)]), PyTorch docs:
        // 0.1*0.1=0.01 at 0, 0.1*0.1*0.9 at 1, then 0.1*0.9^t.
        let want = [0.01, 0.009, 0.1 * 0.81, 0.1 * 0.729, 0.1 * 0.6561]
        Self.expectClose(try Self.rates("chain:constant(factor=0.1,total=2)|exponential(gamma=0.9)", steps: 5), want)
    }

    @Test func oneCycleByEpochsTimesStepsEqualsByTotal() throws {
        let byTotal = try Self.rates("onecycle:max=0.01,total=60", steps: 60, momentum: 0.9)
        let byEpochs = try Self.rates("onecycle:max=0.01,epochs=6,steps-per-epoch=10", steps: 60, momentum: 0.9)
        #expect(byTotal == byEpochs)
        // Hand-computed from PyTorch's phases: start max/25, peak at step 0.3*60-1 = 17, end (max/25)/1e4 at 59.
        #expect(abs(byEpochs[0] - 4e-4) < 1e-15)
        #expect(abs(byEpochs[17] - 0.01) < 1e-15)
        #expect(abs(byEpochs[59] - 4e-8) < 1e-18)
        // Mid-rise, pct = 8.5/17 = 0.5: the cosine midpoint of 4e-4 and 1e-2.
        let midpoint = Scheduler.oneCycle({ var s = OneCycleSettings(max: 0.01); s.totalSteps = 60; return s }(), t: 8.5).learningRate
        #expect(abs(midpoint - (4e-4 + 1e-2) / 2) < 1e-15)
    }

    @Test func oneCycleTakesTheRunLengthWhenTheSpecHasNone() throws {
        let spec = try ScheduleSpec(parsing: "onecycle:max=0.01")
        let scheduler = try Scheduler(spec: spec, initialLearningRate: 1e-3, runLength: 470)
        guard case let .oneCycle(settings) = scheduler.spec.kind else { Issue.record("not onecycle"); return }
        #expect(settings.totalSteps == 470)
        #expect(throws: ScheduleError.self) { try Scheduler(spec: spec, initialLearningRate: 1e-3) }
    }

    @Test func kerasCosineDecayWithWarmup() throws {
        // CosineDecay(0.0, decay_steps=100, alpha=0.1, warmup_target=0.01, warmup_steps=10):
        // linear 0 -> 0.01 over 10 steps, then 0.01*((1-alpha)*0.5*(1+cos(pi*s/100)) + alpha).
        let kind = try ScheduleSpec(parsing: "keras-cosine:steps=100,alpha=0.1,warmup-target=0.01,warmup-steps=10").kind
        func rate(_ t: Double, base: Double = 1e-12) -> Double { Scheduler.closedForm(kind, base: base, t: t).learningRate }
        #expect(abs(rate(5, base: 0.001) - (0.001 + (0.01 - 0.001) * 0.5)) < 1e-15)
        #expect(abs(rate(10) - 0.01) < 1e-15)
        #expect(abs(rate(60) - 0.01 * (0.9 * 0.5 * (1 + cos(Double.pi * 0.5)) + 0.1)) < 1e-15)
        #expect(abs(rate(110) - 0.001) < 1e-15)
        #expect(abs(rate(500) - 0.001) < 1e-15)
        // Without warm-up: plain cosine decay from the initial rate.
        let plain = try ScheduleSpec(parsing: "keras-cosine:steps=100").kind
        #expect(abs(Scheduler.closedForm(plain, base: 0.1, t: 50).learningRate - 0.05) < 1e-15)
    }

    @Test func defaultUnits() throws {
        #expect(try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2").unit == .batch)
        #expect(try ScheduleSpec(parsing: "onecycle:max=1e-2").unit == .batch)
        #expect(try ScheduleSpec(parsing: "step:size=3").unit == .epoch)
        #expect(try ScheduleSpec(parsing: "step:size=3,unit=batch").unit == .batch)
        #expect(try ScheduleSpec(parsing: "keras-decay:decay=0.01").unit == .batch)
    }

    @Test func cycledMomentumFollowsTheOptimizer() throws {
        let spec = try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2,step-up=2")
        #expect(try Scheduler(spec: spec, initialLearningRate: 1, initialMomentum: 0.9).momentum == 0.9)
        #expect(try Scheduler(spec: spec, initialLearningRate: 1, initialMomentum: nil).momentum == nil)
        let forced = try ScheduleSpec(parsing: "cyclic:base=1e-4,max=1e-2,momentum=true")
        #expect(throws: ScheduleError.self) { try Scheduler(spec: forced, initialLearningRate: 1, initialMomentum: nil) }
    }

    // MARK: - Formula language

    @Test(arguments: [
        ("0.95^epoch", 2.0, 0.9025),
        ("-2^2", 0.0, -4.0),
        ("2^3^2", 0.0, 512.0),
        ("1 + 2 * 3 - 4 / 2", 0.0, 5.0),
        ("(1 + 2) * 3", 0.0, 9.0),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 75.0, 0.125),
        ("epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625", 95.0, 0.0625),
        ("(epoch >= 2) + (epoch == 3) + (epoch != 3) + (epoch <= 3)", 3.0, 3.0),
        ("max(0.1, 1 - epoch / 10)", 9.5, 0.1),
        ("min(1, 2, epoch)", 0.5, 0.5),
        ("floor(epoch / 3) + sqrt(4) + exp(0) + log(1) + cos(0) + sin(0)", 7.0, 6.0),
        ("1e-1 * 2.5E+1", 0.0, 2.5),
        ("0.98**e", 1.0, 0.98),
    ])
    func formulaValues(text: String, epoch: Double, want: Double) throws {
        #expect(abs(try Formula(text).evaluate(epoch: epoch) - want) < 1e-12)
    }

    @Test(arguments: [
        ("0.95^", "at character 6: expected a number, 'epoch', a function or '(', found the end"),
        ("(1 + 2", "at character 7: expected ')', found the end"),
        ("epoch < 3 ? 1", "at character 14: expected ':' of the conditional, found the end"),
        ("epok * 2", "at character 1: expected 'epoch' or a function (exp, log, sqrt, cos, sin, floor, min, max), found 'epok'"),
        ("max(1)", "at character 1: expected two or more arguments for max, found 1"),
        ("2 $ 3", "at character 3: expected an operator or the end, found '$'"),
        ("", "at character 1: expected an expression, found nothing"),
    ])
    func formulaErrors(text: String, message: String) {
        do {
            _ = try Formula(text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect("\(error)" == "formula '\(text)': \(message)")
        }
    }

    // MARK: - Spec errors

    @Test(arguments: [
        ("cyclical:base=1", "unknown schedule 'cyclical'; known: step, multistep"),
        ("step:size=3,gama=0.5", "step: unknown key 'gama'; keys: size, gamma, unit"),
        ("step:gamma=0.5", "step: missing key 'size'"),
        ("exponential:gamma=0", "exponential: gamma must be > 0.0, got 0"),
        ("cyclic:base=0.01,max=0.001", "cyclic: base must be below max, got base=0.01, max=0.001"),
        ("step:size=-2", "step: size must be >= 1, got -2"),
        ("onecycle:max=0.1,pct-start=1.5", "onecycle: pct-start must be > 0.0 and < 1.0, got 1.5"),
        ("plateau:factor=1", "plateau: factor must be > 0.0 and < 1.0, got 1"),
        ("cyclic:base=1e-4,max=1e-2,mode=triangle", "cyclic: mode must be one of triangular, triangular2, exp_range, got 'triangle'"),
        ("multistep:milestones=5/3", "multistep: milestones must be increasing whole numbers >= 0 separated by '/', got '5/3'"),
        ("lambda:f=0.9^", "lambda: f: formula '0.9^': at character 5"),
        ("sequential:linear(total=5)|cosine(t-max=4)", "sequential: write schedules separated by '|' then '@'"),
        ("sequential:linear(total=5)|cosine(t-max=4)@5/9", "sequential: 2 schedules need 1 milestone(s), got 2"),
        ("step:size=3,unit=week", "step: unit must be one of batch, epoch, got 'week'"),
        ("step:size", "step: 'size' is not key=value; keys: size, gamma, unit"),
    ])
    func specErrorsNameTheKey(text: String, start: String) {
        do {
            _ = try ScheduleSpec(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect("\(error)".hasPrefix(start), "\(error)")
        }
    }

    @Test func formulasMayHoldCommas() throws {
        let spec = try ScheduleSpec(parsing: "lambda:f=max(0.1, 0.9^epoch),unit=batch")
        #expect(spec.unit == .batch)
        Self.expectClose(try Self.rates("lambda:f=max(0.1, 0.5^epoch)", base: 1, steps: 5), [1, 0.5, 0.25, 0.125, 0.1])
    }
}
