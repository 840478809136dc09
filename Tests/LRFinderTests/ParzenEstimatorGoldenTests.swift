import Foundation
import Testing
@testable import LRFinder

/// ParzenEstimator / ParzenKernels against Optuna 5.1.0's `_ParzenEstimator` on every parameter
/// of history_10/11/30/100, history_30_pruned and the joint files (fixtures/golden/tpe).
/// Estimator parameters: |d| <= 1e-12 max(1, |x|); log densities: 1e-9 absolute.
@Suite struct ParzenEstimatorGoldenTests {
    static let parameterTolerance = 1e-12
    static let densityTolerance = 1e-9

    /// Compares one estimator with Optuna's fields; returns the largest parameter error.
    static func compare(_ estimator: ParzenEstimator, parameter: String, with want: [String: Any], label: String) -> Double {
        var worst = TPEGolden.maxError(estimator.weights, TPEGolden.numbers(want["weights"]), relative: true)
        switch estimator.kernels[parameter]! {
        case .categorical(let rows):
            let wantRows = (want["probabilities"] as! [Any]).map { TPEGolden.numbers($0) }
            #expect(rows.count == wantRows.count, "\(label)")
            for (row, wantRow) in zip(rows, wantRows) { worst = max(worst, TPEGolden.maxError(row, wantRow, relative: true)) }
        case .numerical(let mus, let sigmas, let low, let high, _, let isLog):
            #expect(isLog == want["is_log"] as! Bool, "\(label)")
            worst = max(worst, TPEGolden.maxError(mus, TPEGolden.numbers(want["mus"]), relative: true))
            worst = max(worst, TPEGolden.maxError(sigmas, TPEGolden.numbers(want["sigmas"]), relative: true))
            worst = max(worst, TPEGolden.maxError([low, high], [TPEGolden.number(want["adapted_low"]), TPEGolden.number(want["adapted_high"])], relative: true))
        }
        #expect(worst <= parameterTolerance, "\(label): parameter error \(worst)")
        return worst
    }

    @Test func univariateEstimatorsAndDensitiesMatchOptuna() throws {
        var worstParameter = 0.0, worstDensity = 0.0, checked = 0
        for name in TPEGolden.historyFiles + TPEGolden.jointFiles {
            let study = try TPEGolden.study(name)
            let space = study.space
            for (parameter, block) in study.parameterBlocks {
                let stable = block["stable_tie_order"] as? [String: Any]
                let reference = stable ?? block
                let distribution = space[parameter]!
                let one = [parameter: distribution]
                let below = ParzenEstimator(observations: [parameter: TPEGolden.numbers(block["observations_below"])], searchSpace: one)
                let above = ParzenEstimator(observations: [parameter: TPEGolden.numbers(block["observations_above"])], searchSpace: one)
                let label = "\(name) \(parameter)"
                worstParameter = max(worstParameter, Self.compare(below, parameter: parameter, with: reference["below"] as! [String: Any], label: "\(label) below"))
                worstParameter = max(worstParameter, Self.compare(above, parameter: parameter, with: reference["above"] as! [String: Any], label: "\(label) above"))

                let points = TPEGolden.numbers(block["points_internal"])
                let gotBelow = points.map { below.logPDF([parameter: $0]) }
                let gotAbove = points.map { above.logPDF([parameter: $0]) }
                let errors = [
                    TPEGolden.maxError(gotBelow, TPEGolden.numbers(reference["log_pdf_below"]), relative: false),
                    TPEGolden.maxError(gotAbove, TPEGolden.numbers(reference["log_pdf_above"]), relative: false),
                ]
                if let outside = block["points_outside_domain"] {
                    let xs = TPEGolden.numbers(outside)
                    #expect(xs.allSatisfy { below.logPDF([parameter: $0]) == -.infinity && above.logPDF([parameter: $0]) == -.infinity }, "\(label) outside")
                    #expect(TPEGolden.numbers(block["log_pdf_below_outside"]).allSatisfy { $0 == -.infinity })
                }
                for error in errors {
                    #expect(error <= Self.densityTolerance, "\(label): log density error \(error)")
                    worstDensity = max(worstDensity, error)
                }
                checked += 1
            }
        }
        #expect(checked == 4 * 5 + 5 + 3 * 2)
        print("Parzen univariate: \(checked) parameters, max parameter error \(worstParameter), max log-density error \(worstDensity)")
    }

    @Test func multivariateEstimatorsAndJointDensitiesMatchOptuna() throws {
        for name in TPEGolden.jointFiles {
            let study = try TPEGolden.study(name)
            let (space, block, (below, above)) = (study.space, study.multivariateBlock, study.jointEstimators)
            #expect(block["parameter_order"] as! [String] == space.keys.sorted())
            var worst = 0.0
            for parameter in space.keys {
                worst = max(worst, Self.compare(below, parameter: parameter, with: (block["below"] as! [String: Any])[parameter] as! [String: Any], label: "\(name) \(parameter) below"))
                worst = max(worst, Self.compare(above, parameter: parameter, with: (block["above"] as! [String: Any])[parameter] as! [String: Any], label: "\(name) \(parameter) above"))
            }
            let points = block["points"] as! [String: [Any]]
            let count = points.values.first!.count
            let internalPoints = (0..<count).map { i in
                Dictionary(uniqueKeysWithValues: space.map { ($0.key, TPEGolden.internalValue(points[$0.key]![i], $0.value)) })
            }
            let densityError = max(
                TPEGolden.maxError(internalPoints.map(below.logPDF), TPEGolden.numbers(block["log_pdf_below"]), relative: false),
                TPEGolden.maxError(internalPoints.map(above.logPDF), TPEGolden.numbers(block["log_pdf_above"]), relative: false))
            #expect(densityError <= Self.densityTolerance, "\(name): joint log density error \(densityError)")
            print("Parzen multivariate \(name): max parameter error \(worst), max log-density error \(densityError)")
        }
    }
}
