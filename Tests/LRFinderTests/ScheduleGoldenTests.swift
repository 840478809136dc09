import Foundation
import Testing
@testable import LRFinder

/// Every sequence in `fixtures/golden/schedules/` (written by PyTorch 2.15 and from Keras'
/// formulas) reproduced to a relative error of 1e-6 with an absolute floor of 1e-12.
@Suite struct ScheduleGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/golden/schedules").standardized

    struct Golden {
        let json: [String: Any]
        var lrs: [Double] { (json["lrs"] as! [NSNumber]).map(\.doubleValue) }
        var momenta: [Double]? { (json["momenta"] as? [NSNumber])?.map(\.doubleValue) }
        var metrics: [Double]? { (json["metrics"] as? [NSNumber])?.map(\.doubleValue) }
        var steps: [Double]? { (json["steps"] as? [NSNumber])?.map(\.doubleValue) }
        var initialRate: Double { (json["optimizer_lr"] as! NSNumber).doubleValue }
    }

    static func load(_ name: String) throws -> Golden {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        return Golden(json: try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    static func expectClose(_ got: [Double], _ want: [Double], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): \(got.count) values, want \(want.count)", sourceLocation: sourceLocation)
        for (index, (g, w)) in zip(got, want).enumerated() where abs(g - w) > 1e-6 * abs(w) + 1e-12 {
            Issue.record("\(what)[\(index)]: \(g), want \(w)", sourceLocation: sourceLocation)
            return
        }
    }

    /// Runs `spec` over the golden file's length and compares rates and, where recorded, momenta.
    static func check(_ name: String, _ spec: String, momentum: Double? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let golden = try load(name)
        let values = try Scheduler.sequence(try ScheduleSpec(parsing: spec), initialLearningRate: golden.initialRate,
                                            initialMomentum: momentum, steps: golden.lrs.count, metrics: golden.metrics)
        expectClose(values.map(\.learningRate), golden.lrs, name, sourceLocation: sourceLocation)
        if let momenta = golden.momenta {
            expectClose(values.map { $0.momentum ?? .nan }, momenta, name + " momenta", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        ("multiplicative_lr", "multiplicative:f=0.98^epoch"),
        ("exponential_lr", "exponential:gamma=0.95"),
        ("step_lr", "step:size=10,gamma=0.5"),
        ("multistep_lr", "multistep:milestones=15/25/30/35/45,gamma=0.5"),
        ("cosine_annealing_lr", "cosine:t-max=10"),
        ("cosine_warm_restarts", "warm-restarts:t0=5,t-mult=2,eta-min=1e-5"),
        ("cyclic_triangular", "cyclic:base=1e-5,max=0.0016,step-up=5,momentum=false"),
        ("cyclic_triangular2", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2,momentum=false"),
        ("cyclic_exp_range", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=exp_range,gamma=0.92,momentum=false"),
        ("lambda_exp", "lambda:f=0.95^epoch"),
        ("lambda_piecewise", "lambda:f=epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625"),
        ("polynomial_lr", "polynomial:total=30,power=2"),
        ("linear_lr", "linear:start-factor=0.1,end-factor=1,total=10"),
        ("sequential_linear_cosine", "sequential:linear(start-factor=0.1,total=5)|cosine(t-max=45)@5"),
        ("plateau_min", "plateau:mode=min,patience=5,factor=0.25"),
        ("plateau_min_cooldown2", "plateau:patience=5,factor=0.25,cooldown=2"),
        ("plateau_min_minlr", "plateau:patience=5,factor=0.25,min-lr=1e-5"),
        ("plateau_min_abs", "plateau:patience=5,factor=0.25,threshold-mode=abs,threshold=0.01"),
        ("plateau_max", "plateau:mode=max,patience=5,factor=0.25"),
    ])
    func pytorchSequences(name: String, spec: String) throws {
        try Self.check(name, spec)
    }

    @Test(arguments: [
        ("cyclic_triangular_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5"),
        ("cyclic_triangular2_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2"),
        ("cyclic_exp_range_momentum", "cyclic:base=1e-5,max=0.0016,step-up=5,mode=exp_range,gamma=0.92"),
        ("cyclic_triangular_asym_400", "cyclic:base=0.001,max=0.1,step-up=50,step-down=100"),
        ("onecycle_cos_sgd", "onecycle:max=0.01,total=100"),
        ("onecycle_cos_adam", "onecycle:max=0.01,total=100"),
        ("onecycle_linear_sgd", "onecycle:max=0.01,total=100,anneal=linear"),
        ("onecycle_linear_adam", "onecycle:max=0.01,total=100,anneal=linear"),
        ("onecycle_three_phase_sgd", "onecycle:max=0.01,total=100,three-phase=true"),
        ("onecycle_three_phase_adam", "onecycle:max=0.01,total=100,three-phase=true"),
    ])
    func cycledMomentum(name: String, spec: String) throws {
        try Self.check(name, spec, momentum: 0.9)
    }

    @Test func warmRestartsAtFractionalEpochs() throws {
        let golden = try Self.load("cosine_warm_restarts_fractional")
        let epochs = (golden.json["epochs_arg"] as! [NSNumber]).map(\.doubleValue)
        var scheduler = try Scheduler(spec: try ScheduleSpec(parsing: "warm-restarts:t0=5,t-mult=2,eta-min=1e-5"),
                                      initialLearningRate: golden.initialRate)
        let rates = epochs.map { epoch -> Double in scheduler.moveTo(epoch: epoch); return scheduler.learningRate }
        Self.expectClose(rates, golden.lrs, "fractional warm restarts")
    }

    @Test(arguments: [
        ("keras_legacy_decay", "keras-decay:decay=2e-4"),
        ("keras_inverse_time_decay", "keras-inverse-time:steps=10,rate=0.5"),
        ("keras_inverse_time_decay_staircase", "keras-inverse-time:steps=10,rate=0.5,staircase=true"),
        ("keras_polynomial_decay_p1_nocycle", "keras-polynomial:steps=10000,end=0.0001,power=1"),
        ("keras_polynomial_decay_p1_cycle", "keras-polynomial:steps=10000,end=0.0001,power=1,cycle=true"),
        ("keras_polynomial_decay_p5_nocycle", "keras-polynomial:steps=10000,end=0.0001,power=5"),
        ("keras_polynomial_decay_p5_cycle", "keras-polynomial:steps=10000,end=0.0001,power=5,cycle=true"),
        ("keras_exponential_decay", "keras-exponential:steps=100000,rate=0.96"),
        ("keras_exponential_decay_staircase", "keras-exponential:steps=100000,rate=0.96,staircase=true"),
    ])
    func kerasFormulas(name: String, spec: String) throws {
        // Keras files list the steps they sample: the closed form at each of them.
        let golden = try Self.load(name)
        let parsed = try ScheduleSpec(parsing: spec)
        let rates = golden.steps!.map { Scheduler.closedForm(parsed.kind, base: golden.initialRate, t: $0).learningRate }
        Self.expectClose(rates, golden.lrs, name)
    }
}
