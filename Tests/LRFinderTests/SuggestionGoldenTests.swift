import Foundation
import Testing
@testable import LRFinder

/// The golden curves of fastai 2.8.12 / torch-lr-finder 0.2.2 (fixtures/golden/curves).
enum GoldenCurves {
    struct Curve {
        var name: String
        var learningRates: [Double]
        var losses: [Double]
    }

    static func curve(_ name: String) throws -> Curve {
        let text = try String(contentsOf: Fixtures.goldenCurves.appendingPathComponent("\(name).csv"), encoding: .utf8)
        var rates: [Double] = [], losses: [Double] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            rates.append(Double(fields[0])!)
            losses.append(Double(fields[1])!)
        }
        return Curve(name: name, learningRates: rates, losses: losses)
    }

    static func detail() throws -> [String: Any] {
        let data = try Data(contentsOf: Fixtures.goldenCurves.appendingPathComponent("suggestions_detail.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

@Suite struct SuggestionGoldenTests {
    static let ruleKeys: [(SuggestionRule, String)] = [
        (.valley, "valley"), (.slide, "slide"), (.minimum, "minimum_argmin"), (.steep, "steep"),
        (.steepestGradient, "torch_lr_finder_steepest"),
    ]

    @Test func everyRulePicksTheReferenceIndexOnEveryCurve() throws {
        let detail = try GoldenCurves.detail()
        #expect(detail.count == 14)
        for (name, entry) in detail.sorted(by: { $0.key < $1.key }) {
            let entry = entry as! [String: Any]
            let curve = try GoldenCurves.curve(name)
            #expect(curve.losses.count == entry["n_points"] as! Int, "\(name)")
            let iterationCount = entry["num_it"] as! Int
            let indices = entry["indices_in_full_curve"] as! [String: Int]
            let values = entry["float64_values"] as! [String: Double]
            for (rule, key) in Self.ruleKeys {
                let picked = try rule.suggestion(learningRates: curve.learningRates, losses: curve.losses,
                                                 iterationCount: iterationCount).get()
                #expect(picked.index == indices[key], "\(name) \(rule): index \(picked.index), reference \(indices[key]!)")
                let valueKey = rule == .minimum ? "minimum" : key
                let want = values[valueKey]!
                #expect(abs(picked.learningRate - want) <= 1e-12 * want, "\(name) \(rule)")
            }
        }
    }

    @Test func handComputedValleyAndSlideEdgeCases() {
        // Two strictly decreasing points: fastai's index is -1, i.e. the last point.
        #expect(SuggestionRule.valleyIndex([2, 1]) == 1)
        // A non-decreasing curve gives index 0.
        #expect(SuggestionRule.valleyIndex([1, 2, 3]) == 0)
        // Decreasing run at indices 0-7 (length 8): maxEnd 7, maxStart -1, sections 8/3 -> -1 + 2 + 1.
        #expect(SuggestionRule.valleyIndex([9, 8, 7, 6, 5, 4, 3, 2, 10, 11]) == 2)
        // Non-contiguous: 5, 4, 3, 1 (indices 0, 2, 4, 6) is the longest; maxEnd 6, maxStart 2, sections 4/3 -> 2 + 1 + 0.
        #expect(SuggestionRule.valleyIndex([5, 6, 4, 7, 3, 8, 1]) == 3)
        // slide on a straight line: the gradient never differs, so the pick is n - 16.
        let line = (0..<20).map { Double($0) * -0.1 }
        #expect(SuggestionRule.slideIndex(line) == 4)
        #expect(numpyGradient([1, 4, 9, 16]) == [3, 4, 6, 7])
    }

    @Test func degenerateCurvesGiveAReasonNotACrash() {
        let rates = (0..<40).map { 1e-5 * pow(10, Double($0) / 10) }
        for rule in SuggestionRule.allCases {
            let constant = rule.suggestion(learningRates: rates, losses: .init(repeating: 2, count: 40), iterationCount: 40)
            #expect(throws: SuggestionUnavailable.self) { try constant.get() }
            let nan = rule.suggestion(learningRates: rates, losses: .init(repeating: .nan, count: 40), iterationCount: 40)
            #expect(throws: SuggestionUnavailable.self) { try nan.get() }
            let short = rule.suggestion(learningRates: Array(rates.prefix(6)), losses: [3, 2, 1, 0.5, 0.4, 0.3], iterationCount: 6)
            #expect(throws: SuggestionUnavailable.self) { try short.get() }
            let empty = rule.suggestion(learningRates: [], losses: [], iterationCount: 0)
            #expect(throws: SuggestionUnavailable.self) { try empty.get() }
            let mismatched = rule.suggestion(learningRates: rates, losses: [1, 2], iterationCount: 40)
            #expect(throws: SuggestionUnavailable.self) { try mismatched.get() }
        }
        // A NaN in the middle cuts the fastai curve there: the minimum cannot lie beyond it.
        var losses = (0..<40).map { 3 - Double($0) * 0.05 }
        losses[25] = .nan
        let minimum = try? SuggestionRule.minimum.suggestion(learningRates: rates, losses: losses, iterationCount: 40).get()
        #expect(minimum?.index == 24)
        let failure = SuggestionRule.slide.suggestion(learningRates: rates, losses: .init(repeating: 1, count: 40), iterationCount: 40)
        switch failure {
        case .failure(let error): #expect(error.description == "suggestion 'slide': the loss is constant, so no point stands out")
        case .success(let pick): Issue.record("slide picked step \(pick.index) of a constant loss")
        }
    }
}
