import Foundation
import Testing
import TestFixtures
@testable import LRFinder

/// `MedianPruner` against `fixtures/golden/tpe/median_pruner.json` (Optuna 5.1.0's
/// `MedianPruner()`, maximize): every running trial's decision after each report, its best value
/// so far and the median at its step, bit for bit; then the warm-up, interval, minimum-trials and
/// minimize rules of `optuna/pruners/_percentile.py` on small hand-made studies.
@Suite struct MedianPrunerTests {
    /// A number of the golden file: a JSON number, or the string "nan". Decoded with
    /// `JSONDecoder`, which reads a decimal to the nearest `Double` (bit-exact comparisons need it).
    struct Number: Decodable {
        let value: Double
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
            } else {
                let text = try container.decode(String.self)
                guard text == "nan" else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: \(text)")
                }
                value = .nan
            }
        }
    }

    struct Golden: Decodable {
        struct Trial: Decodable {
            let state: String
            let value: Number?
            let intermediate_values: [String: Number]
        }
        struct Report: Decodable {
            let step: Int
            let reported: Number
            let should_prune: Bool
            let best_so_far: Number
            let median_at_step: Number
            let completed_values_at_step: [Number]
        }
        struct Study: Decodable {
            let label: String
            let trials: [Trial]
            let n_completed: Int
            let running_trials: [String: [Report]]
        }
        let studies: [Study]
    }

    /// Equal bit for bit, NaN equal to NaN.
    static func same(_ got: Double, _ want: Double) -> Bool {
        got.isNaN ? want.isNaN : got == want
    }

    @Test func everyGoldenDecisionBestValueAndMedian() throws {
        let url = Fixtures.root.appendingPathComponent("fixtures/golden/tpe/median_pruner.json")
        let studies = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url)).studies
        #expect(studies.count == 2)
        let pruner = MedianPruner()
        var checked = 0, pruned = 0
        for study in studies {
            let trials = study.trials.enumerated().map { number, trial in
                let values = trial.intermediate_values.reduce(into: [Int: Double]()) { $0[Int($1.key)!] = $1.value.value }
                return TuningTrial(number: number, state: TrialState(rawValue: trial.state.lowercased())!, params: [:],
                                   value: trial.value?.value, intermediateValues: values)
            }
            let completed = trials.filter { $0.state == .complete }
            #expect(completed.count == study.n_completed, "\(study.label)")
            for (name, reports) in study.running_trials {
                var running = TuningTrial(number: trials.count, state: .running, params: [:])
                for report in reports {
                    running.intermediateValues[report.step] = report.reported.value
                    let what = "\(study.label)/\(name) step \(report.step)"
                    let decision = pruner.shouldPrune(running, trials: trials + [running], direction: .maximize)
                    #expect(decision == report.should_prune, "\(what)")
                    let best = MedianPruner.bestIntermediateValue(of: running, direction: .maximize)
                    #expect(Self.same(best, report.best_so_far.value), "\(what): best \(best)")
                    let median = MedianPruner.medianIntermediateValue(at: report.step, completedTrials: completed)
                    #expect(Self.same(median, report.median_at_step.value), "\(what): median \(median)")
                    let values = MedianPruner.intermediateValues(at: report.step, of: completed)
                    let wantValues = report.completed_values_at_step.map(\.value)
                    #expect(values.count == wantValues.count && zip(values, wantValues).allSatisfy(Self.same), "\(what)")
                    checked += 1
                    if decision { pruned += 1 }
                }
            }
        }
        #expect(checked == 110)
        #expect(pruned == 29)
    }

    /// Five COMPLETE trials reporting `value` at steps 0 ..< 10.
    static func completed(_ values: [Double], steps: Range<Int> = 0..<10) -> [TuningTrial] {
        values.enumerated().map { number, value in
            TuningTrial(number: number, state: .complete, params: [:], value: value,
                        intermediateValues: Dictionary(uniqueKeysWithValues: steps.map { ($0, value) }))
        }
    }

    static func running(_ values: [Int: Double], number: Int = 99) -> TuningTrial {
        TuningTrial(number: number, state: .running, params: [:], intermediateValues: values)
    }

    @Test func minimizeUsesTheSmallestValueAndPrunesAboveTheMedian() {
        let trials = Self.completed([1, 2, 3, 4, 5])
        let pruner = MedianPruner()
        #expect(pruner.shouldPrune(Self.running([0: 3.5]), trials: trials, direction: .minimize))
        #expect(!pruner.shouldPrune(Self.running([0: 3]), trials: trials, direction: .minimize))
        #expect(!pruner.shouldPrune(Self.running([0: 2, 1: 9]), trials: trials, direction: .minimize))
        #expect(MedianPruner.bestIntermediateValue(of: Self.running([0: 2, 1: 9, 2: .nan]), direction: .minimize) == 2)
        #expect(pruner.shouldPrune(Self.running([0: .nan]), trials: trials, direction: .minimize))
    }

    @Test func warmUpIntervalAndMinimumTrials() {
        let trials = Self.completed([1, 2, 3, 4, 5])
        let weak = [0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0]
        func steps(_ last: Int) -> [Int: Double] { weak.filter { $0.key <= last } }
        let warm = MedianPruner(warmupSteps: 3)
        #expect(!warm.shouldPrune(Self.running(steps(2)), trials: trials, direction: .maximize))
        #expect(warm.shouldPrune(Self.running(steps(3)), trials: trials, direction: .maximize))
        // interval 2 from warm-up 1: checks at steps 1, 3, 5 (and at the first report of an interval).
        let interval = MedianPruner(warmupSteps: 1, intervalSteps: 2)
        #expect(interval.shouldPrune(Self.running(steps(1)), trials: trials, direction: .maximize))
        #expect(!interval.shouldPrune(Self.running(steps(2)), trials: trials, direction: .maximize))
        #expect(interval.shouldPrune(Self.running(steps(3)), trials: trials, direction: .maximize))
        #expect(interval.shouldPrune(Self.running([0: 0, 4: 0]), trials: trials, direction: .maximize))
        // Six COMPLETE trials report step 0; only one reports step 12.
        var sparse = trials
        sparse.append(TuningTrial(number: 5, state: .complete, params: [:], value: 1, intermediateValues: [12: 1]))
        #expect(MedianPruner(minimumTrials: 2).shouldPrune(Self.running([0: 0]), trials: sparse, direction: .maximize))
        #expect(!MedianPruner(minimumTrials: 2).shouldPrune(Self.running([12: 0]), trials: sparse, direction: .maximize))
        #expect(MedianPruner().shouldPrune(Self.running([12: 0]), trials: sparse, direction: .maximize))
        // A NaN report counts toward the minimum but not toward the median.
        sparse.append(TuningTrial(number: 6, state: .complete, params: [:], value: 1, intermediateValues: [12: .nan]))
        #expect(MedianPruner(minimumTrials: 2).shouldPrune(Self.running([12: 0]), trials: sparse, direction: .maximize))
        #expect(MedianPruner.medianIntermediateValue(at: 12, completedTrials: sparse, minimumTrials: 3).isNaN)
    }

    @Test func startupCountsOnlyCompleteTrials() {
        var trials = Self.completed([1, 2, 3, 4])
        trials.append(TuningTrial(number: 4, state: .pruned, params: [:], intermediateValues: [0: 9]))
        trials.append(TuningTrial(number: 5, state: .fail, params: [:], intermediateValues: [0: 9]))
        #expect(!MedianPruner().shouldPrune(Self.running([0: 0]), trials: trials, direction: .maximize))
        #expect(MedianPruner(startupTrials: 4).shouldPrune(Self.running([0: 0]), trials: trials, direction: .maximize))
        #expect(!MedianPruner(startupTrials: 0).shouldPrune(Self.running([0: 0]), trials: [], direction: .maximize))
        #expect(!MedianPruner().shouldPrune(Self.running([:]), trials: Self.completed([1, 2, 3, 4, 5]), direction: .maximize))
    }

    @Test func decodingTakesOptunasDefaultsAndRejectsBadCounts() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(MedianPruner.self, from: Data("{}".utf8)) == MedianPruner())
        let custom = try decoder.decode(MedianPruner.self, from: Data(#"{"warmupSteps": 3, "intervalSteps": 2}"#.utf8))
        #expect(custom == MedianPruner(warmupSteps: 3, intervalSteps: 2))
        #expect(try decoder.decode(MedianPruner.self, from: JSONEncoder().encode(custom)) == custom)
        #expect(throws: DecodingError.self) { try decoder.decode(MedianPruner.self, from: Data(#"{"intervalSteps": 0}"#.utf8)) }
    }

    @Test func percentileInterpolatesAsNumpy() {
        #expect(MedianPruner.percentile([0.3, 0.35, 0.25, 0.28], 50) == 0.29000000000000004)
        #expect(MedianPruner.percentile([3, 1, 2], 50) == 2)
        #expect(MedianPruner.percentile([.nan, 4, 1], 50) == 2.5)
        #expect(MedianPruner.percentile([1, 2, 3, 4, 5], 25) == 2)
        #expect(MedianPruner.percentile([.nan], 50).isNaN)
        #expect(MedianPruner.percentile([], 50).isNaN)
    }
}
