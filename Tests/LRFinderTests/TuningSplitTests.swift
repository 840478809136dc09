import Foundation
import Testing
@testable import LRFinder

/// TPESplit against Optuna 5.1.0's `_split_trials` (fixtures/golden/tpe/split.json and the
/// split fields of every history and joint file).
@Suite struct TuningSplitTests {
    @Test func everySyntheticCaseSplitsAsOptunaDid() throws {
        let file = try TPEGolden.load("split")
        let cases = file["cases"] as! [[String: Any]]
        #expect(cases.count == 17)
        for (index, entry) in cases.enumerated() {
            let space: [String: ParameterDistribution] = ["x": .float(low: 0, high: 1)]
            let trials = TPEGolden.trials(entry["trials"], space: space)
            let direction = TPEGolden.direction(entry)
            let current = entry["current_trial_number"] as! Int
            let split = TPESplit(trials: trials, direction: direction, currentTrialNumber: current)
            let label = "case \(index): \(entry["description"] as! String)"
            #expect((split.finishedCount >= 10) == (entry["tpe_used"] as! Bool), "\(label)")
            guard entry["tpe_used"] as! Bool else { continue }
            #expect(split.finishedCount == entry["n"] as! Int, "\(label)")
            #expect(split.belowCount == entry["gamma_n"] as! Int, "\(label)")
            #expect(split.below.map(\.number) == entry["below"] as! [Int], "\(label)")
            #expect(split.above.map(\.number) == entry["above"] as! [Int], "\(label)")
            let ranking = entry["pruned_ranking"] as! [Int]
            if !ranking.isEmpty {
                let pruned = trials.filter { $0.state == .pruned }
                #expect(TPESplit.rankedPruned(pruned, direction: direction).map(\.number) == ranking, "\(label)")
                let scores = entry["pruned_scores"] as! [String: [Any]]
                for trial in pruned {
                    let want = scores[String(trial.number)]!
                    let got = TPESplit.prunedScore(trial, direction: direction)
                    #expect(got.step == want[0] as! Int && got.value == TPEGolden.number(want[1]), "\(label) trial \(trial.number)")
                }
            }
        }
    }

    @Test func defaultGammaWeightsAndNormalisedMixtureWeights() throws {
        let file = try TPEGolden.load("split")
        let gamma = file["default_gamma"] as! [String: Int]
        #expect(gamma.count > 300)
        for (n, want) in gamma { #expect(TPESplit.defaultGamma(Int(n)!) == want, "gamma(\(n))") }
        for (n, want) in file["default_weights"] as! [String: Any] {
            let got = ParzenEstimator.defaultWeights(Int(n)!)
            #expect(TPEGolden.maxError(got, TPEGolden.numbers(want), relative: true) <= 1e-12, "weights(\(n))")
        }
        let byCount = (file["mixture_weights_with_prior"] as! [String: Any])["by_n"] as! [String: Any]
        for (n, want) in byCount {
            let observations = Array(repeating: 0.5, count: Int(n)!)
            let estimator = ParzenEstimator(observations: ["x": observations], searchSpace: ["x": .float(low: 0, high: 1)])
            #expect(TPEGolden.maxError(estimator.weights, TPEGolden.numbers(want), relative: true) <= 1e-12, "mixture(\(n))")
        }
    }

    @Test func historyAndJointSplitsMatchOptuna() throws {
        for name in TPEGolden.historyFiles + TPEGolden.jointFiles {
            let study = try TPEGolden.study(name)
            let split = study.split
            var blocks = study.parameterBlocks
            if let multivariate = study.file["multivariate"] as? [String: Any] { blocks["multivariate"] = multivariate }
            #expect(!blocks.isEmpty)
            for (parameter, block) in blocks {
                #expect(split.finishedCount == block["n"] as! Int, "\(name) \(parameter)")
                #expect(split.belowCount == block["gamma_n"] as! Int, "\(name) \(parameter)")
                #expect(split.below.map(\.number) == block["below_trial_numbers"] as! [Int], "\(name) \(parameter)")
                #expect(split.above.map(\.number) == block["above_trial_numbers"] as! [Int], "\(name) \(parameter)")
                if let want = block["observations_below"] {
                    #expect(split.below.compactMap { $0.params[parameter] } == TPEGolden.numbers(want), "\(name) \(parameter)")
                    #expect(split.above.compactMap { $0.params[parameter] } == TPEGolden.numbers(block["observations_above"]), "\(name) \(parameter)")
                }
            }
        }
    }
}
