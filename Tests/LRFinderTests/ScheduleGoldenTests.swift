import Foundation
import Testing
@testable import LRFinder

/// Every sequence in `fixtures/golden/schedules/` (written by PyTorch 2.15 and from Keras'
/// formulas) reproduced to |got - want| <= 1e-6 |want| + 1e-12: rates, momenta, the rate after
/// the last step, PyTorch's closed forms and ReduceLROnPlateau's counters.
@Suite struct ScheduleGoldenTests {
    struct Golden {
        let json: [String: Any]
        func numbers(_ key: String) -> [Double]? { (json[key] as? [NSNumber])?.map(\.doubleValue) }
        var lrs: [Double] { numbers("lrs")! }
        var initialRate: Double { (json["optimizer_lr"] as! NSNumber).doubleValue }
        var rateAfterLastStep: Double? { (json["lr_after_last_step"] as? NSNumber)?.doubleValue }
    }

    static func load(_ name: String) throws -> Golden {
        let data = try Data(contentsOf: Fixtures.goldenSchedules.appendingPathComponent(name + ".json"))
        return Golden(json: try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    static func expectClose(_ got: [Double], _ want: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): \(got.count) values, want \(want.count)", sourceLocation: sourceLocation)
        for (index, (g, w)) in zip(got, want).enumerated() where !(abs(g - w) <= 1e-6 * abs(w) + 1e-12) {
            Issue.record("\(what)[\(index)]: \(g), want \(w)", sourceLocation: sourceLocation)
            return
        }
    }

    static let pytorch: [(String, String)] = [
        ("multiplicative_lr", "multiplicative:f=0.98^epoch"),
        ("exponential_lr", "exponential:gamma=0.95"),
        ("step_lr", "step:size=10,gamma=0.5"),
        ("multistep_lr", "multistep:milestones=15/25/30/35/45,gamma=0.5"),
        ("cosine_annealing_lr", "cosine:t-max=10"),
        ("cosine_warm_restarts", "warm-restarts:t0=5,t-mult=2,eta-min=1e-5"),
        ("cyclic_triangular", "cyclic:base=1e-5,max=0.0016,step-up=5,momentum=false"),
        ("cyclic_triangular2", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2,momentum=false"),
        ("cyclic_exp_range", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=exp_range,gamma=0.92,momentum=false"),
        ("cyclic_triangular_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5,momentum=true"),
        ("cyclic_triangular2_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2"),
        ("cyclic_exp_range_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=exp_range,gamma=0.92"),
        ("cyclic_triangular_asym_400", "cyclic:base=0.001,max=0.1,step-up=50,step-down=100"),
        ("lambda_exp", "lambda:f=0.95^epoch"),
        ("lambda_piecewise", "lambda:f=epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625"),
        ("onecycle_cos_sgd", "onecycle:max=0.01,total=100"),
        ("onecycle_cos_adam", "onecycle:max=0.01,total=100"),
        ("onecycle_linear_sgd", "onecycle:max=0.01,total=100,anneal=linear"),
        ("onecycle_linear_adam", "onecycle:max=0.01,total=100,anneal=linear"),
        ("onecycle_three_phase_sgd", "onecycle:max=0.01,total=100,three-phase=true"),
        ("onecycle_three_phase_adam", "onecycle:max=0.01,total=100,three-phase=true"),
        ("polynomial_lr", "polynomial:total=30,power=2"),
        ("linear_lr", "linear:start-factor=0.1,end-factor=1,total=10"),
        ("sequential_linear_cosine", "sequential:linear(start-factor=0.1,total=5)|cosine(t-max=45)@5"),
        ("plateau_min", "plateau:mode=min,patience=5,factor=0.25"),
        ("plateau_min_cooldown2", "plateau:patience=5,factor=0.25,cooldown=2"),
        ("plateau_min_minlr", "plateau:patience=5,factor=0.25,min-lr=1e-5"),
        ("plateau_min_abs", "plateau:patience=5,factor=0.25,threshold-mode=abs,threshold=0.01"),
        ("plateau_max", "plateau:mode=max,patience=5,factor=0.25"),
    ]

    static let keras: [(String, String)] = [
        ("keras_legacy_decay", "keras-decay:decay=2e-4"),
        ("keras_inverse_time_decay", "keras-inverse-time:steps=10,rate=0.5"),
        ("keras_inverse_time_decay_staircase", "keras-inverse-time:steps=10,rate=0.5,staircase=true"),
        ("keras_polynomial_decay_p1_nocycle", "keras-polynomial:steps=10000,end=0.0001,power=1"),
        ("keras_polynomial_decay_p1_cycle", "keras-polynomial:steps=10000,end=0.0001,power=1,cycle=true"),
        ("keras_polynomial_decay_p5_nocycle", "keras-polynomial:steps=10000,end=0.0001,power=5"),
        ("keras_polynomial_decay_p5_cycle", "keras-polynomial:steps=10000,end=0.0001,power=5,cycle=true"),
        ("keras_exponential_decay", "keras-exponential:steps=100000,rate=0.96"),
        ("keras_exponential_decay_staircase", "keras-exponential:steps=100000,rate=0.96,staircase=true"),
    ]

    @Test func everyGoldenFileIsTested() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.goldenSchedules.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
        let tested = Set((Self.pytorch + Self.keras).map(\.0) + ["cosine_warm_restarts_fractional"])
        #expect(Set(files) == tested)
        #expect(files.count == 39)
    }

    /// Steps the spec over the file's length (plus one step, for `lr_after_last_step`), with the
    /// optimizer's momentum 0.9 as in the files (SGD momentum=0.9; Adam's beta1 0.9).
    @Test(arguments: pytorch)
    func pytorchSequence(name: String, spec: String) throws {
        let golden = try Self.load(name)
        let metrics = golden.numbers("metrics")
        var scheduler = try Scheduler(spec: try ScheduleSpec(parsing: spec), initialLearningRate: golden.initialRate, initialMomentum: 0.9)
        var rates: [Double] = [], momenta: [Double] = []
        var states: [(best: Double, bad: Int, cooldown: Int)] = []
        for index in golden.lrs.indices {
            rates.append(scheduler.learningRate)
            momenta.append(scheduler.momentum ?? .nan)
            scheduler.step(metric: metrics?[index])
            if let state = scheduler.plateauState { states.append((state.best, state.badEpochs, state.cooldown)) }
        }
        Self.expectClose(rates, golden.lrs, name)
        if let want = golden.numbers("momenta") {
            Self.expectClose(momenta, want, name + " momenta")
        } else {
            #expect(momenta.allSatisfy { $0.isNaN }, "\(name): momentum is not cycled")
        }
        // OneCycleLR's rate after its last step is an extrapolation PyTorch refuses to make.
        if let after = golden.rateAfterLastStep, !name.hasPrefix("onecycle") {
            Self.expectClose([scheduler.learningRate], [after], name + " after the last step")
        }
        if let want = golden.json["state_after_step"] as? [[String: NSNumber]] {
            #expect(states.count == want.count)
            for (index, (got, state)) in zip(states, want).enumerated() {
                let best = state["best"]!.doubleValue
                #expect(abs(got.best - best) <= 1e-12 * abs(best), "\(name) best after step \(index)")
                #expect(got.bad == state["num_bad_epochs"]!.intValue, "\(name) bad epochs after step \(index)")
                #expect(got.cooldown == state["cooldown_counter"]!.intValue, "\(name) cooldown after step \(index)")
            }
            let reductions = (golden.json["reductions_after_epoch"] as! [NSNumber]).map(\.intValue)
            let got = rates.indices.dropLast().filter { rates[$0 + 1] < rates[$0] }
            #expect(Array(got) == reductions, "\(name) reductions")
        }
    }

    /// PyTorch's `lrs_closed_form` (`step(epoch=i)`), against `_get_closed_form_lr` (which
    /// SequentialLR uses at its milestones).
    @Test(arguments: pytorch.filter { (try? ScheduleGoldenTests.load($0.0).numbers("lrs_closed_form")) != nil })
    func closedForms(name: String, spec: String) throws {
        let golden = try Self.load(name)
        let kind = try ScheduleSpec(parsing: spec).kind
        let rates = golden.lrs.indices.map { DecaySchedules.closedForm(kind, base: golden.initialRate, step: $0) ?? .nan }
        Self.expectClose(rates, golden.numbers("lrs_closed_form")!, name + " closed form")
    }

    @Test func warmRestartsAtFractionalEpochs() throws {
        // Its own convention: lrs[i] is the rate right after step(epochs_arg[i]); lrs_before_step[i] before it.
        let golden = try Self.load("cosine_warm_restarts_fractional")
        let epochs = golden.numbers("epochs_arg")!
        var scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "warm-restarts:t0=5,t-mult=2,eta-min=1e-5"),
                                      initialLearningRate: golden.initialRate)
        var before: [Double] = [], after: [Double] = []
        for epoch in epochs {
            before.append(scheduler.learningRate)
            scheduler.moveTo(epoch: epoch)
            after.append(scheduler.learningRate)
        }
        Self.expectClose(after, golden.lrs, "fractional warm restarts")
        Self.expectClose(before, golden.numbers("lrs_before_step")!, "fractional warm restarts before each step")
    }

    /// Keras files sample the schedule at the listed iteration counts (up to 1,000,000).
    @Test(arguments: keras)
    func kerasFormula(name: String, spec: String) throws {
        let golden = try Self.load(name)
        let parsed = try ScheduleSpec(parsing: spec)
        #expect(parsed.unit == .batch)
        let rates = golden.numbers("steps")!.map { KerasSchedules.rate(parsed.kind, initial: golden.initialRate, step: $0)! }
        Self.expectClose(rates, golden.lrs, name)
        // The running scheduler gives the same at the first steps.
        let running = try Scheduler.sequence(parsed, initialLearningRate: golden.initialRate, steps: 2).map(\.learningRate)
        Self.expectClose(running, (0..<2).map { KerasSchedules.rate(parsed.kind, initial: golden.initialRate, step: Double($0))! }, name)
    }
}
