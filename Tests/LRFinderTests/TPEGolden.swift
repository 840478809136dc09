import Foundation
@testable import LRFinder
import TestFixtures

/// Readers for Optuna 5.1.0's TPE golden files (fixtures/golden/tpe, see fixtures/golden/README.md "tpe/").
enum TPEGolden {
    static let folder = Fixtures.root.appendingPathComponent("fixtures/golden/tpe")

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A number, with Optuna's "nan" / "inf" / "-inf" strings.
    static func number(_ any: Any?) -> Double {
        switch any {
        case let string as String:
            switch string {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return Double(string)!
            }
        case let number as NSNumber: return number.doubleValue
        default: fatalError("not a number: \(String(describing: any))")
        }
    }

    static func numbers(_ any: Any?) -> [Double] { (any as! [Any]).map { number($0) } }

    static func distribution(_ any: Any?) -> ParameterDistribution {
        let d = any as! [String: Any]
        switch d["type"] as! String {
        case "CategoricalDistribution": return .categorical(choices: d["choices"] as! [String])
        case "IntDistribution":
            return .int(low: d["low"] as! Int, high: d["high"] as! Int, log: d["log"] as! Bool, step: d["step"] as! Int)
        default:
            let step = d["step"].flatMap { $0 is NSNull ? nil : number($0) }
            return .float(low: number(d["low"]), high: number(d["high"]), log: d["log"] as! Bool, step: step)
        }
    }

    static func searchSpace(_ file: [String: Any]) -> [String: ParameterDistribution] {
        (file["search_space"] as! [String: Any]).mapValues { distribution($0) }
    }

    /// An external value (category name or number) in the internal representation.
    static func internalValue(_ any: Any, _ distribution: ParameterDistribution?) -> Double {
        if case .categorical(let choices)? = distribution, let name = any as? String {
            return Double(choices.firstIndex(of: name)!)
        }
        return number(any)
    }

    static func state(_ name: String) -> TrialState {
        switch name {
        case "COMPLETE": .complete
        case "PRUNED": .pruned
        case "FAIL": .fail
        default: .running
        }
    }

    static func trials(_ list: Any?, space: [String: ParameterDistribution]) -> [TuningTrial] {
        (list as! [[String: Any]]).map { t in
            var params: [String: Double] = [:]
            for (name, value) in t["params"] as! [String: Any] { params[name] = internalValue(value, space[name]) }
            var steps: [Int: Double] = [:]
            for (step, value) in (t["intermediate_values"] as? [String: Any]) ?? [:] { steps[Int(step)!] = number(value) }
            let value = t["value"].flatMap { $0 is NSNull ? nil : number($0) }
            return TuningTrial(number: t["number"] as! Int, state: state(t["state"] as! String), params: params,
                               value: value, intermediateValues: steps)
        }
    }

    static func direction(_ file: [String: Any]) -> StudyDirection {
        (file["direction"] as! String) == "minimize" ? .minimize : .maximize
    }

    /// The largest |a - b| / max(1, |b|) (relative) or |a - b| (absolute); equal infinities count 0.
    static func maxError(_ got: [Double], _ want: [Double], relative: Bool) -> Double {
        precondition(got.count == want.count, "\(got.count) values, \(want.count) expected")
        var worst = 0.0
        for (a, b) in zip(got, want) {
            if a == b { continue }
            if a.isNaN || b.isNaN || !a.isFinite || !b.isFinite { return .infinity }
            worst = max(worst, abs(a - b) / (relative ? max(1, abs(b)) : 1))
        }
        return worst
    }

    /// One history or joint file read as a study: its search space, trials and TPESplit for the next trial.
    struct Study {
        var file: [String: Any]
        var space: [String: ParameterDistribution]
        var trials: [TuningTrial]
        var split: TPESplit

        /// The per-parameter blocks of independent TPE (`parameters`, or `independent.parameters`).
        var parameterBlocks: [String: [String: Any]] {
            let blocks = (file["parameters"] as? [String: Any])
                ?? ((file["independent"] as! [String: Any])["parameters"] as! [String: Any])
            return blocks.mapValues { $0 as! [String: Any] }
        }

        /// The `multivariate` block of a joint file.
        var multivariateBlock: [String: Any] { file["multivariate"] as! [String: Any] }

        /// The joint estimators of l and g over the whole search space.
        var jointEstimators: (below: ParzenEstimator, above: ParzenEstimator) {
            (TPESampler.estimator(for: split.below, searchSpace: space), TPESampler.estimator(for: split.above, searchSpace: space))
        }
    }

    static func study(_ name: String) throws -> Study {
        let file = try load(name)
        let space = searchSpace(file)
        let trials = trials(file["trials"], space: space)
        let split = TPESplit(trials: trials, direction: direction(file), currentTrialNumber: file["next_trial_number"] as? Int)
        return Study(file: file, space: space, trials: trials, split: split)
    }

    static let historyFiles = ["history_10", "history_11", "history_30", "history_100", "history_30_pruned"]
    static let jointFiles = ["joint_scheduler_lr_11", "joint_scheduler_lr_30", "joint_scheduler_lr_100"]
}
