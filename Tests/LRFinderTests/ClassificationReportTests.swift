import Foundation
import Testing
@testable import LRFinder

@Suite struct ClassificationReportTests {
    /// Five classes: class 2 is predicted once but never true, class 3 is true twice but never
    /// predicted, class 4 neither (scikit-learn would not see it).
    static let matrix = ConfusionMatrix(rows: [[5, 1, 0, 0, 0],
                                               [2, 2, 0, 0, 0],
                                               [0, 0, 0, 0, 0],
                                               [1, 0, 1, 0, 0],
                                               [0, 0, 0, 0, 0]])

    @Test func perClassScoresFollowScikitLearnWithZeroDivisionZero() {
        let report = ClassificationReport(Self.matrix)
        // Column sums (predicted): 8, 3, 1, 0, 0; row sums (support): 6, 4, 0, 2, 0.
        #expect(report.support == [6, 4, 0, 2, 0])
        let precision: [Double] = [5.0 / 8, 2.0 / 3, 0, 0, 0]
        let recall: [Double] = [5.0 / 6, 2.0 / 4, 0, 0, 0]
        // 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + support).
        let f1: [Double] = [10.0 / 14, 4.0 / 7, 0, 0, 0]
        #expect(report.precision == precision)
        #expect(report.recall == recall)
        #expect(report.f1 == f1)
    }

    @Test func averagesSkipAbsentClassesAsScikitLearnDoes() {
        let report = ClassificationReport(Self.matrix)
        #expect(report.accuracy == 7.0 / 12)
        // Recall over the classes with samples (0, 1, 3): (5/6 + 1/2 + 0) / 3.
        #expect(abs(report.balancedAccuracy - 4.0 / 9) < 1e-15)
        // F1 over the classes true or predicted (0 to 3): (5/7 + 4/7 + 0 + 0) / 4.
        #expect(abs(report.macroF1 - 9.0 / 28) < 1e-15)
    }

    @Test func matrixCountsAndReadsBack() {
        var matrix = ConfusionMatrix(classCount: 2)
        matrix.add(trueClass: 1, predictedClass: 0)
        matrix.add(trueClass: 1, predictedClass: 1)
        matrix.add(trueClass: 1, predictedClass: 1)
        #expect(matrix.rows == [[0, 0], [1, 2]])
        #expect(matrix[1, 0] == 1)
        #expect(matrix.total == 3 && matrix.correct == 2)
        #expect(matrix.support(of: 1) == 3 && matrix.predictions(of: 0) == 1)
        let report = ClassificationReport(matrix)
        // Class 0 is only predicted: balanced accuracy is class 1's recall, 2/3.
        #expect(report.balancedAccuracy == 2.0 / 3)
        let macroF1: Double = (0 + 4.0 / 5) / 2
        #expect(report.macroF1 == macroF1)
    }

    /// An identity logistic regression predicts each sample's largest feature, so the matrix is
    /// known; batches of 4 over 12 samples count across batches.
    @Test func evaluationCountsTheConfusionMatrixAcrossBatches() throws {
        var random = RandomSource(seed: 0)
        var network = try Network(layers: [.dense(units: 3, bias: true)], inputShape: .vector(3), random: &random)
        network.parameters = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
        // (true, predicted) pairs: rows [[3, 1, 0], [0, 3, 1], [1, 0, 3]].
        let pairs: [(Int, Int)] = [(0, 0), (0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (0, 0), (1, 1), (2, 2), (1, 1), (2, 2), (2, 2)]
        let features = Matrix(rows: pairs.count, columns: 3, storage: pairs.flatMap { pair -> [Float] in (0..<3).map { $0 == pair.1 ? Float(2) : Float(0) } })
        #expect(network.outputs(for: features) == features)
        let dataset = Dataset(features: features, labels: pairs.map { Int32($0.0) }, classCount: 3)
        let evaluation = network.evaluate(dataset, loss: .crossEntropy, batchSize: 4)
        let report = try #require(evaluation.report)
        #expect(report.confusionMatrix.rows == [[3, 1, 0], [0, 3, 1], [1, 0, 3]])
        #expect(report.accuracy == 9.0 / 12 && evaluation.accuracy == 9.0 / 12)
        let threeQuarters: [Double] = [0.75, 0.75, 0.75]
        #expect(report.precision == threeQuarters)
        #expect(report.recall == threeQuarters)
        #expect(report.support == [4, 4, 4])
    }

    @Test func regressionHasNoReportAndReportsRoundTripThroughJSON() throws {
        var random = RandomSource(seed: 0)
        let network = try Network(layers: [.dense(units: 2, bias: true)], inputShape: .vector(2), random: &random)
        let dataset = Dataset(features: Matrix(rows: 2, columns: 2, storage: [1, 2, 3, 4]),
                              targets: .values(Matrix(rows: 2, columns: 2, storage: [0, 1, 1, 0])))
        #expect(network.evaluate(dataset, loss: .meanSquaredError).report == nil)
        let evaluation = Evaluation(loss: 0.5, accuracy: 7.0 / 12, count: 12, report: ClassificationReport(Self.matrix))
        let decoded = try JSONDocument.decode(Evaluation.self, from: JSONDocument.encode(evaluation))
        #expect(decoded == evaluation)
        // A record written before reports existed still decodes.
        let old = try JSONDocument.decode(Evaluation.self, from: Data(#"{"loss": 0.5, "accuracy": 0.5, "count": 2}"#.utf8))
        #expect(old.report == nil)
    }
}

extension ClassificationReportTests {
    @Test func rowNormalizedMatrixIsEachClassShareAndZeroWithoutSamples() {
        // Rows [5, 1, 0, 0, 0] / 6, [2, 2, 0, 0, 0] / 4, zeros, [1, 0, 1, 0, 0] / 2, zeros.
        let expected: [[Double]] = [[5.0 / 6, 1.0 / 6, 0, 0, 0], [0.5, 0.5, 0, 0, 0], [0, 0, 0, 0, 0], [0.5, 0, 0.5, 0, 0], [0, 0, 0, 0, 0]]
        #expect(Self.matrix.rowNormalized == expected)
    }
}
