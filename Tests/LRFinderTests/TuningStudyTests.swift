import Foundation
import Testing
@testable import LRFinder

/// A study run trial after trial: reproducible for a seed, TPE better than random sampling on a
/// cheap synthetic objective (the median over 10 seeds), and the pruner applied step by step.
@Suite struct TuningStudyTests {
    static let space = SchedulerRateObjective.searchSpace

    static func value(_ parameters: [String: Double]) -> Double { SchedulerRateObjective.value(parameters) }

    @Test func theSyntheticObjectiveByHand() {
        // onecycle (index 3) at 1e-2: its best, 0.95; constant (0) at 1e-2: 0.80 - 0.1 x 1.5^2 = 0.575.
        #expect(abs(Self.value(["scheduler": 3, "learning_rate": 1e-2]) - 0.95) < 1e-15)
        #expect(abs(Self.value(["scheduler": 0, "learning_rate": 1e-2]) - 0.575) < 1e-15)
    }

    static func study(_ sampler: TuningStudy.Sampler, trials: Int = 30) -> TuningStudy {
        var study = TuningStudy(searchSpace: space, direction: .maximize, sampler: sampler)
        study.optimize(trialCount: trials) { TuningStudy.Report(value: value($0)) }
        return study
    }

    @Test func aSeededStudyIsTheSameEveryTime() {
        for sampler in [TuningStudy.Sampler.tpe(TPESampler(seed: 7)), .tpe(TPESampler(seed: 7, multivariate: false)), .random(RandomSampler(seed: 7))] {
            let first = Self.study(sampler), second = Self.study(sampler)
            #expect(first.trials == second.trials && first.trials.count == 30)
        }
        // Another seed, another study.
        #expect(Self.study(.tpe(TPESampler(seed: 8))).trials != Self.study(.tpe(TPESampler(seed: 7))).trials)
    }

    @Test func tpeFindsABetterValueThanRandomSamplingOnTheMedianOfTenSeeds() {
        func median(_ values: [Double]) -> Double { Median.of(values)! }
        let seeds: [UInt64] = Array(0..<10)
        let random = seeds.map { Self.study(.random(RandomSampler(seed: $0))).bestTrial!.value! }
        let multivariate = seeds.map { Self.study(.tpe(TPESampler(seed: $0))).bestTrial!.value! }
        let independent = seeds.map { Self.study(.tpe(TPESampler(seed: $0, multivariate: false))).bestTrial!.value! }
        // The optimum is 0.95 (onecycle at 1e-2).
        #expect(median(multivariate) > median(random), "TPE \(median(multivariate)) against random \(median(random))")
        #expect(median(independent) > median(random), "independent TPE \(median(independent)) against random \(median(random))")
        #expect(median(multivariate) <= 0.95 && median(random) <= 0.95)
    }

    @Test func theMedianPrunerStopsAWorseTrialAtTheStepItFallsBehind() {
        // Five complete trials of 4 steps climbing to 1, then one stuck at 0.2 from step 0.
        var reports = Array(repeating: TuningStudy.Report(steps: [0.4, 0.6, 0.8, 1.0], value: 1.0), count: 5)
        reports.append(TuningStudy.Report(steps: [0.2, 0.2, 0.2, 0.2], value: 0.2))
        reports.append(TuningStudy.Report(steps: [0.5, 0.7], value: .nan))
        var study = TuningStudy(searchSpace: Self.space, direction: .maximize, sampler: .random(RandomSampler(seed: 1)), pruner: MedianPruner())
        var next = reports.makeIterator()
        study.optimize(trialCount: 7) { _ in next.next()! }
        #expect(study.trials.map(\.state) == [.complete, .complete, .complete, .complete, .complete, .pruned, .fail])
        // Pruned after its first step (0.2 < the median 0.4); the failed trial kept its steps.
        #expect(study.trials[5].intermediateValues == [0: 0.2] && study.trials[5].value == nil)
        #expect(study.trials[6].intermediateValues == [0: 0.5, 1: 0.7])
        #expect(study.bestTrial?.number == 0)
    }
}
