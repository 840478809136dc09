import Foundation
import Testing
@testable import LRFinder

/// TPESampler's acquisition ln l(x) - ln g(x) and argmax against Optuna 5.1.0's
/// `_compute_acquisition_func` on the 24 candidates Optuna drew (fixtures/golden/tpe):
/// scores at 1e-9 absolute; the argmax must be one of `near_best_indices`.
@Suite struct TPEAcquisitionGoldenTests {
    static let tolerance = 1e-9

    @Test func independentAcquisitionAndArgmaxMatchOptuna() throws {
        var worst = 0.0, checked = 0
        for name in TPEGolden.historyFiles + TPEGolden.jointFiles {
            let study = try TPEGolden.study(name)
            let (space, split) = (study.space, study.split)
            for (parameter, block) in study.parameterBlocks {
                let reference = (block["stable_tie_order"] as? [String: Any]) ?? block
                let one = [parameter: space[parameter]!]
                let below = TPESampler.estimator(for: split.below, searchSpace: one)
                let above = TPESampler.estimator(for: split.above, searchSpace: one)
                let candidates = TPEGolden.numbers(block["candidates_internal"]).map { [parameter: $0] }
                #expect(candidates.count == 24)
                let scores = TPESampler.acquisition(candidates, below: below, above: above)
                let label = "\(name) \(parameter)"
                let errors = [
                    TPEGolden.maxError(scores, TPEGolden.numbers(reference["acquisition"]), relative: false),
                    TPEGolden.maxError(candidates.map(below.logPDF), TPEGolden.numbers(reference["candidates_log_pdf_below"]), relative: false),
                    TPEGolden.maxError(candidates.map(above.logPDF), TPEGolden.numbers(reference["candidates_log_pdf_above"]), relative: false),
                ]
                for error in errors {
                    #expect(error <= Self.tolerance, "\(label): error \(error)")
                    worst = max(worst, error)
                }
                let best = TPESampler.bestIndex(scores)
                #expect((reference["near_best_indices"] as! [Int]).contains(best), "\(label): picked \(best)")
                if block["stable_tie_order"] == nil { #expect(best == block["best_index"] as! Int, "\(label)") }
                checked += 1
            }
        }
        #expect(checked == 31)
        print("TPE independent acquisition: \(checked) parameters, max error \(worst)")
    }

    @Test func multivariateAcquisitionAndArgmaxMatchOptuna() throws {
        for name in TPEGolden.jointFiles {
            let study = try TPEGolden.study(name)
            let (space, block, (below, above)) = (study.space, study.multivariateBlock, study.jointEstimators)
            let columns = block["candidates_internal"] as! [String: Any]
            let values = columns.mapValues { TPEGolden.numbers($0) }
            let candidates = (0..<24).map { i in values.mapValues { $0[i] } }
            let scores = TPESampler.acquisition(candidates, below: below, above: above)
            let want = TPEGolden.numbers(block["acquisition"])
            let error = max(TPEGolden.maxError(scores, want, relative: false),
                            TPEGolden.maxError(candidates.map(below.logPDF), TPEGolden.numbers(block["candidates_log_pdf_below"]), relative: false),
                            TPEGolden.maxError(candidates.map(above.logPDF), TPEGolden.numbers(block["candidates_log_pdf_above"]), relative: false))
            #expect(error <= Self.tolerance, "\(name): error \(error)")
            let best = TPESampler.bestIndex(scores)
            let top = want.max()!
            let nearBest = want.indices.filter { want[$0] >= top - 1e-9 }
            #expect(nearBest.contains(best) && nearBest.contains(block["best_index"] as! Int), "\(name): picked \(best)")
            let suggested = block["best"] as! [String: Any]
            for (parameter, distribution) in space {
                #expect(candidates[best][parameter] == TPEGolden.internalValue(suggested[parameter]!, distribution), "\(name) \(parameter)")
            }
            print("TPE multivariate acquisition \(name): max error \(error)")
        }
    }
}

/// TPESampler end to end: start-up delegation, determinism, domain, constant liar.
@Suite struct TPESamplerTests {
    static let space: [String: ParameterDistribution] = [
        "lr": .float(low: 1e-5, high: 1e-1, log: true), "dropout": .float(low: 0, high: 0.5),
        "epochs": .int(low: 1, high: 20), "batch": .int(low: 16, high: 512, log: true),
        "scheduler": .categorical(choices: ["constant", "cosine", "linear"]),
    ]

    static func history(_ count: Int) -> [TuningTrial] {
        let random = RandomSampler(seed: 7)
        return (0..<count).map { number in
            let params = random.sample(space, trialNumber: number)
            let value = -abs(log10(params["lr"]!) + 3) - params["dropout"]! + (params["scheduler"] == 1 ? 0.5 : 0)
            return TuningTrial(number: number, state: .complete, params: params, value: value)
        }
    }

    @Test func startUpTrialsComeFromTheRandomSampler() {
        let sampler = TPESampler(seed: 3)
        let trials = Self.history(9) + [TuningTrial(number: 9, state: .fail, params: [:])]
        let got = sampler.suggest(searchSpace: Self.space, trials: trials, direction: .maximize, trialNumber: 10)
        #expect(got == RandomSampler(seed: 3).sample(Self.space, trialNumber: 10))
    }

    @Test func suggestionsAreDeterministicAndInTheDomainInBothModes() {
        let trials = Self.history(30)
        for multivariate in [false, true] {
            let sampler = TPESampler(seed: 11, multivariate: multivariate)
            for number in 30..<40 {
                let first = sampler.suggest(searchSpace: Self.space, trials: trials, direction: .maximize, trialNumber: number)
                let again = sampler.suggest(searchSpace: Self.space, trials: trials, direction: .maximize, trialNumber: number)
                #expect(first == again)
                #expect(Set(first.keys) == Set(Self.space.keys))
                for (name, distribution) in Self.space { #expect(distribution.contains(first[name]!), "\(name) = \(first[name]!)") }
            }
        }
    }

    @Test func runningTrialsJoinTheWorseGroup() {
        var trials = Self.history(20)
        trials.append(TuningTrial(number: 20, state: .running, params: ["lr": 1e-3, "dropout": 0, "epochs": 5, "batch": 64, "scheduler": 1]))
        let split = TPESplit(trials: trials, direction: .maximize, currentTrialNumber: 21)
        #expect(split.finishedCount == 20)
        #expect(split.above.last?.number == 20)
        #expect(!split.below.contains { $0.number == 20 })
    }
}

/// Draws from the Parzen kernels: in bounds, on the grid, and with the truncated normal's mean.
@Suite struct ParzenSamplingTests {
    @Test func truncatedNormalDrawsStayInBoundsWithTheRightMean() {
        var random = RandomSource(seed: 5)
        // N(0.9, 0.3) truncated to [0, 1]: mean = mu + sigma (phi(a) - phi(b)) / (Phi(b) - Phi(a)).
        let (mu, sigma, low, high) = (0.9, 0.3, 0.0, 1.0)
        let draws = (0..<20_000).map { _ in TruncatedNormal.sample(mu: mu, sigma: sigma, low: low, high: high, using: &random) }
        #expect(draws.allSatisfy { $0 >= low && $0 <= high })
        let a = (low - mu) / sigma, b = (high - mu) / sigma
        func phi(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
        let mean = mu + sigma * (phi(a) - phi(b)) / (TruncatedNormal.normalCDF(b) - TruncatedNormal.normalCDF(a))
        let got = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(got - mean) < 0.01, "mean \(got), expected \(mean)")
        // A far right tail still gives finite draws in bounds.
        let tail = (0..<100).map { _ in TruncatedNormal.sample(mu: 0, sigma: 1, low: 30, high: 31, using: &random) }
        #expect(tail.allSatisfy { $0 >= 30 && $0 <= 31 })
    }

    @Test func estimatorDrawsAreValidInternalValues() {
        let space: [String: ParameterDistribution] = [
            "batch": .int(low: 16, high: 512, log: true), "epochs": .int(low: 0, high: 10, step: 2),
            "lr": .float(low: 1e-5, high: 1e-1, log: true), "scheduler": .categorical(choices: ["a", "b", "c"]),
        ]
        let estimator = ParzenEstimator(observations: ["batch": [32, 64], "epochs": [2, 4], "lr": [1e-3, 3e-3], "scheduler": [0, 2]],
                                        searchSpace: space)
        var random = RandomSource(seed: 9)
        let draws = estimator.sample(count: 500, using: &random)
        for draw in draws {
            for (name, distribution) in space { #expect(distribution.contains(draw[name]!), "\(name) = \(draw[name]!)") }
        }
        #expect(Set(draws.map { $0["scheduler"]! }).count == 3)
    }
}
