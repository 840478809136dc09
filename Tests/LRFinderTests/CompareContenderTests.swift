import Foundation
import Testing
@testable import LRFinder

/// The contenders of the notes' tuned comparison: the notes' parameters (sections 2-1 to 2-9,
/// `seed_experiments.py`'s `make_scheduler`), each checked by its rates per epoch worked out by hand.
@Suite struct CompareContenderTests {
    /// The rate (and momentum) in use in epochs 0..<epochs of one batch each; `metrics` feed a plateau.
    static func rates(_ contender: CompareContender, rate: Double, epochs: Int, metrics: [Double] = []) throws -> [(Double, Double?)] {
        guard let spec = try contender.schedule(rate: rate) else { return Array(repeating: (rate, nil), count: epochs) }
        var scheduler = try Scheduler(run: spec, initialLearningRate: rate, initialMomentum: 0.9, epochs: epochs, updates: epochs)
        var out: [(Double, Double?)] = []
        for epoch in 0..<epochs {
            out.append((scheduler.learningRate, scheduler.momentum))
            scheduler.step(metric: epoch < metrics.count ? metrics[epoch] : nil)
        }
        return out
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }

    @Test func theNotesElevenAndTheTwoMoreWithOptunasNames() throws {
        #expect(CompareContender.notes.count == 11)
        #expect(CompareContender.notes.map(\.optunaName) == ["none", "multiplicative", "exponential", "step", "multistep", "plateau", "cosine",
                                                            "cosine_warm_restarts", "cyclic_triangular", "cyclic_triangular2", "cyclic_exp_range"])
        #expect(CompareContender.allCases.filter(\.isPlanned) == [.onecycle, .rangeTest])
        #expect(CompareContender.allCases.filter { !$0.isTuned } == [.rangeTest])
        #expect(try CompareContender.none.schedule(rate: 1e-3) == nil && CompareContender.rangeTest.schedule(rate: 1e-3) == nil)
    }

    @Test func theDecaysFollowTheNotesParameters() throws {
        let r = 0.004
        // MultiplicativeLR(0.98 ** epoch): r, r 0.98, r 0.98^3, r 0.98^6 (the factors compound).
        let multiplicative = try Self.rates(.multiplicative, rate: r, epochs: 4).map(\.0)
        for (rate, power) in zip(multiplicative, [0.0, 1, 3, 6]) { #expect(Self.close(rate, r * pow(0.98, power))) }
        // ExponentialLR(0.95): r 0.95^t.
        for (t, rate) in try Self.rates(.exponential, rate: r, epochs: 5).map(\.0).enumerated() { #expect(Self.close(rate, r * pow(0.95, Double(t)))) }
        // StepLR(10, 0.5): halves at epoch 10, 20.
        let step = try Self.rates(.step, rate: r, epochs: 21).map(\.0)
        #expect(step[9] == r && Self.close(step[10], r / 2) && Self.close(step[19], r / 2) && Self.close(step[20], r / 4))
        // MultiStepLR([15, 25, 30, 35, 45], 0.5).
        let multistep = try Self.rates(.multistep, rate: r, epochs: 46).map(\.0)
        for (epoch, halvings) in [(14, 0), (15, 1), (24, 1), (25, 2), (30, 3), (35, 4), (44, 4), (45, 5)] {
            #expect(Self.close(multistep[epoch], r / pow(2, Double(halvings))), "epoch \(epoch)")
        }
        // CosineAnnealingLR(10, 0): r (1 + cos(pi t / 10)) / 2; half at 5, zero at 10.
        let cosine = try Self.rates(.cosine, rate: r, epochs: 11).map(\.0)
        #expect(Self.close(cosine[5], r / 2) && abs(cosine[10]) < 1e-18 && Self.close(cosine[2], r * (1 + cos(Double.pi / 5)) / 2))
        // Warm restarts (5, x2, 1e-5): restarts at 5 and 15; at 10 halfway through the 10-epoch cycle.
        let warm = try Self.rates(.cosineWarmRestarts, rate: r, epochs: 16).map(\.0)
        #expect(warm[0] == r && Self.close(warm[5], r) && Self.close(warm[15], r))
        #expect(Self.close(warm[10], 1e-5 + (r - 1e-5) / 2))
        // ReduceLROnPlateau(max, 0.25, 5) on the validation accuracy: 6 epochs without a better
        // one (patience 5) quarter the rate.
        let plateau = try Self.rates(.plateau, rate: r, epochs: 9, metrics: [0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]).map(\.0)
        #expect(plateau[6] == r && Self.close(plateau[7], r / 4))
    }

    @Test func theCyclicSchedulesRiseToTheTunedRateInFiveEpochsAndCycleBeta1() throws {
        let r = 0.002, base = 1e-5
        let triangular = try Self.rates(.cyclicTriangular, rate: r, epochs: 21)
        #expect(triangular[0].0 == base && Self.close(triangular[5].0, r) && Self.close(triangular[10].0, base))
        #expect(Self.close(triangular[15].0, r) && Self.close(triangular[3].0, base + (r - base) * 0.6))
        // beta1 from 0.9 at the base rate to 0.8 at the peak.
        #expect(triangular[0].1 == 0.9 && Self.close(triangular[5].1!, 0.8))
        // triangular2: the second peak is half as high above the base.
        let halving = try Self.rates(.cyclicTriangular2, rate: r, epochs: 16).map(\.0)
        #expect(Self.close(halving[5], r) && Self.close(halving[15], base + (r - base) / 2))
        // exp_range: the amplitude times 0.92^t (t in epochs).
        let range = try Self.rates(.cyclicExpRange, rate: r, epochs: 16).map(\.0)
        #expect(Self.close(range[5], base + (r - base) * pow(0.92, 5)) && Self.close(range[15], base + (r - base) * pow(0.92, 15)))
        // A tuned rate at or below the base is refused.
        #expect(throws: (any Error).self) { try CompareContender.cyclicTriangular.schedule(rate: 1e-5) }
    }
}
