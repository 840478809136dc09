import Foundation
import Testing
@testable import LRFinder

/// Regression: the Huber and squared-error losses, the target's standardisation, the regression
/// report, and a linear model against the least-squares fit computed here.
@Suite struct RegressionTests {
    @Test func huberLossMatchesPyTorchsDefinitionAndItsGradient() {
        // d = z - t = 0.5, -2, 0, 3. δ = 1: 0.5·0.25, 1·(2 - 0.5), 0, 1·(3 - 0.5) = 0.125 + 1.5 + 0 + 2.5.
        // δ = 2.5: 0.125, 0.5·4, 0, 2.5·(3 - 1.25) = 0.125 + 2 + 0 + 4.375.
        let output = Matrix([[1, -2], [0.25, 3]]), targets = Matrix([[0.5, 0], [0.25, 0]])
        for (delta, expected) in [(Float(1), 4.125 / 4), (2.5, 6.5 / 4)] {
            let loss = LossFunction.huber(delta: delta)
            #expect(abs(Double(loss.evaluate(output: output, targets: .values(targets)).loss) - expected) < 1e-6, "delta \(delta)")
            var gradient = [Float](repeating: 0, count: 4)
            _ = loss.evaluate(output: output.storage, batch: 2, width: 2, labels: [0], values: targets.storage, gradient: &gradient)
            LayerGradientTests.check("huber \(delta)", point: output.storage, analytic: gradient) {
                Double(loss.evaluate(output: Matrix(rows: 2, columns: 2, storage: $0), targets: .values(targets)).loss)
            }
        }
        // Within δ Huber is half the squared error.
        let small = Matrix([[0.1, -0.3]]), zero = Matrix([[0, 0]])
        let huber = LossFunction.huber(delta: 1).evaluate(output: small, targets: .values(zero)).loss
        let squared = LossFunction.meanSquaredError.evaluate(output: small, targets: .values(zero)).loss
        #expect(abs(huber - squared / 2) < 1e-7)
    }

    @Test func squaredErrorGradientOnRandomValues() {
        let output = LayerGradientTests.values(12, seed: 21, scale: 2), targets = LayerGradientTests.values(12, seed: 22)
        var gradient = [Float](repeating: 0, count: 12)
        _ = LossFunction.meanSquaredError.evaluate(output: output, batch: 4, width: 3, labels: [0], values: targets, gradient: &gradient)
        LayerGradientTests.check("mse", point: output, analytic: gradient) {
            Double(LossFunction.meanSquaredError.evaluate(output: Matrix(rows: 4, columns: 3, storage: $0),
                                                          targets: .values(Matrix(rows: 4, columns: 3, storage: targets))).loss)
        }
    }

    @Test func lossesParseAndCodeAsText() throws {
        #expect(try LossFunction(parsing: "mse") == .meanSquaredError)
        #expect(try LossFunction(parsing: "huber") == .huber(delta: 1))
        #expect(try LossFunction(parsing: "huber:0.5") == .huber(delta: 0.5))
        #expect(try LossFunction(parsing: "cross-entropy") == .crossEntropy)
        for bad in ["huber:0", "huber:-1", "huber:x", "mae", "mse:2", ""] {
            #expect(throws: LossFunctionError.self, "\(bad)") { try LossFunction(parsing: bad) }
        }
        // A delta beyond Float's range is too large, not "not > 0" (issue 23).
        #expect(throws: LossFunctionError(description: "Huber's delta must be at most 3.4028235e+38 (a Float), got '1e39'")) {
            try LossFunction(parsing: "huber:1e39")
        }
        #expect(throws: LossFunctionError(description: "Huber's delta must be a number > 0, got '-1e39'")) {
            try LossFunction(parsing: "huber:-1e39")
        }
        for loss in [LossFunction.crossEntropy, .meanSquaredError, .huber(delta: 1), .huber(delta: 0.25)] {
            let data = try JSONEncoder().encode([loss])
            #expect(try JSONDecoder().decode([LossFunction].self, from: data) == [loss], "\(String(decoding: data, as: UTF8.self))")
        }
        #expect(String(decoding: try JSONEncoder().encode([LossFunction.huber(delta: 1)]), as: UTF8.self) == "[\"huber:1\"]")
        // The range-test plot's loss axis names the loss.
        #expect(LossFunction.meanSquaredError.axisTitle == "MSE (standardised target)")
        #expect(LossFunction.huber(delta: 0.5).axisTitle == "Huber loss, delta 0.5 (standardised target)")
    }

    @Test func standardizationRoundTrips() throws {
        let values = Matrix(rows: 5, columns: 1, storage: [151, 75, 141, 206, 135])
        let fitted = try TargetStandardization(fittedOn: values, file: "t")
        // Mean 141.6; population variance (88.36 + 4435.56 + 0.36 + 4147.36 + 43.56) / 5 = 1743.04.
        #expect(abs(fitted.mean - 141.6) < 1e-9)
        #expect(abs(fitted.deviation - 1743.04.squareRoot()) < 1e-9)
        let z = fitted.standardized(values)
        let mean = z.storage.reduce(0) { $0 + Double($1) } / 5
        let variance = z.storage.reduce(0) { $0 + Double($1) * Double($1) } / 5 - mean * mean
        #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
        let back = fitted.original(z)
        for (a, b) in zip(back.storage, values.storage) { #expect(abs(a - b) < 1e-4 * abs(b)) }
        let decoded = try JSONDecoder().decode(TargetStandardization.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
        #expect(throws: TargetError.self) { try TargetStandardization(fittedOn: Matrix(rows: 3, columns: 1, storage: [2, 2, 2]), file: "t") }
    }

    /// A constant target: scikit-learn's r2_score gives 1.0 for a perfect fit and 0.0 otherwise (not NaN).
    @Test func rSquaredOfAConstantTargetIsFinite() {
        let perfect = RegressionReport(predictions: Matrix(rows: 3, columns: 1, storage: [2, 2, 2]),
                                       targets: Matrix(rows: 3, columns: 1, storage: [2, 2, 2]))
        #expect(perfect.rSquared == 1)
        let off = RegressionReport(predictions: Matrix(rows: 3, columns: 1, storage: [1, 2, 3]),
                                   targets: Matrix(rows: 3, columns: 1, storage: [2, 2, 2]))
        #expect(off.rSquared == 0)
    }

    @Test func regressionReportByHandAndInOriginalUnits() throws {
        // Errors 0, -1, -2: RMSE sqrt(5/3), MAE 1; targets about their mean 3: SS_tot 8, R² 1 - 5/8.
        let report = RegressionReport(predictions: Matrix(rows: 3, columns: 1, storage: [1, 2, 3]),
                                      targets: Matrix(rows: 3, columns: 1, storage: [1, 3, 5]))
        #expect(abs(report.rootMeanSquaredError - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(abs(report.meanAbsoluteError - 1) < 1e-12)
        #expect(abs(report.rSquared - 0.375) < 1e-12)
        #expect(report.count == 3)
        // Scored in standardised units then converted = scored in the original units.
        let standardization = TargetStandardization(mean: 100, deviation: 20)
        let original = RegressionReport(predictions: standardization.original(Matrix(rows: 3, columns: 1, storage: [1, 2, 3])),
                                        targets: standardization.original(Matrix(rows: 3, columns: 1, storage: [1, 3, 5])))
        let converted = report.inOriginalUnits(of: standardization)
        #expect(abs(converted.rootMeanSquaredError - original.rootMeanSquaredError) < 1e-4)
        #expect(abs(converted.meanAbsoluteError - original.meanAbsoluteError) < 1e-4)
        #expect(abs(converted.rSquared - original.rSquared) < 1e-6)
    }

    @Test func preparedRegressionDataIsStandardisedOnTheTrainingSplit() throws {
        var recipe = DataRecipe()
        recipe.path = Fixtures.diabetes
        recipe.task = .regression
        let data = try recipe.prepare()
        #expect(data.task == .regression && data.splitCounts == [266, 88, 88] && data.outputWidth == 1)
        let standardization = try #require(data.targetStandardization)
        guard case .values(let train) = data.train.targets, case .values(let test) = data.test.targets else {
            Issue.record("not values"); return
        }
        let mean = train.storage.reduce(0) { $0 + Double($1) } / Double(train.rows)
        let meanSquare = train.storage.reduce(0) { $0 + Double($1) * Double($1) } / Double(train.rows)
        #expect(abs(mean) < 1e-5 && abs(meanSquare - 1) < 1e-4)
        // The file's targets are integers 25..346: read back they are whole numbers again.
        let raw = standardization.original(test).storage
        #expect(raw.allSatisfy { abs($0 - $0.rounded()) < 1e-3 && $0 >= 25 && $0 <= 346 })
        #expect(data.taskNote == nil)
    }

    /// Solves the normal equations `(XᵀX) w = Xᵀy` (X with a column of ones) by Gaussian
    /// elimination with partial pivoting, in Double; returns the fitted values' R-squared.
    static func leastSquaresRSquared(features: Matrix, targets: Matrix) -> Double {
        let n = features.rows, p = features.columns + 1
        func x(_ r: Int, _ c: Int) -> Double { c == features.columns ? 1 : Double(features.storage[r * features.columns + c]) }
        var a = [[Double]](repeating: [Double](repeating: 0, count: p + 1), count: p)
        for r in 0..<n {
            let y = Double(targets.storage[r])
            for i in 0..<p {
                for j in 0..<p { a[i][j] += x(r, i) * x(r, j) }
                a[i][p] += x(r, i) * y
            }
        }
        for column in 0..<p {
            let pivot = (column..<p).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            a.swapAt(column, pivot)
            for row in 0..<p where row != column {
                let factor = a[row][column] / a[column][column]
                for k in column...p { a[row][k] -= factor * a[column][k] }
            }
        }
        let w = (0..<p).map { a[$0][p] / a[$0][$0] }
        let fitted = (0..<n).map { r in (0..<p).reduce(0.0) { $0 + w[$1] * x(r, $1) } }
        let y = targets.storage.map(Double.init)
        let mean = y.reduce(0, +) / Double(n)
        let residual = zip(fitted, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = y.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return 1 - residual / total
    }

    @Test func aLinearModelReachesTheLeastSquaresFit() throws {
        var recipe = DataRecipe()
        recipe.path = Fixtures.diabetes
        recipe.task = .regression
        let data = try recipe.prepare()
        guard case .values(let targets) = data.train.targets else { Issue.record("not values"); return }
        let best = Self.leastSquaresRSquared(features: data.train.features, targets: targets)
        // The ordinary least-squares fit of these 10 features explains about half the variance.
        #expect(best > 0.4 && best < 0.7, "\(best)")

        let network = try Network(spec: ModelSpec(parsing: "logreg"), inputShape: data.shape, outputs: 1, seed: 0)
        #expect(network.parameterCount == 11)
        var trainer = EmbeddedTrainer(network: network, optimizer: try OptimizerSettings(kind: .adam).makeOptimizer(), data: data,
                                      batchSize: 32, seed: 0)
        var configuration = TrainingConfiguration()
        configuration.epochs = 150
        configuration.learningRate = 0.01
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        #expect(result.stopReason == .completed)
        let reached = try #require(trainer.evaluate(.training)?.regression)
        // No linear model beats least squares on the data it was fitted to; training gets within 0.02.
        #expect(reached.rSquared <= best + 1e-4, "\(reached.rSquared) vs \(best)")
        #expect(reached.rSquared >= best - 0.02, "\(reached.rSquared) vs \(best)")
        // The epoch records carry the validation R-squared; the test report is in the target's units.
        #expect(result.epochs.last?.validationRSquared != nil && result.epochs.last?.validationAccuracy == nil)
        let test = try #require(result.test?.regression)
        #expect(test.rootMeanSquaredError > 30 && test.rootMeanSquaredError < 80, "\(test)")
    }

    /// Regression validations whose loss keeps falling while R-squared goes `scores`.
    static func validations(rSquared scores: [Double]) -> [Evaluation] {
        scores.enumerated().map { index, score in
            Evaluation(loss: 1 / Double(index + 1), accuracy: nil, count: 2,
                       regression: RegressionReport(rootMeanSquaredError: 1, meanAbsoluteError: 1, rSquared: score, count: 2))
        }
    }

    @Test func earlyStoppingAndPlateausWatchValidationRSquared() throws {
        let evaluations = Self.validations(rSquared: [0.5, 0.6, 0.55, 0.58, 0.9, 0.9])
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 12), validations: evaluations, batchesPerEpoch: 2)
        var configuration = TrainingConfiguration()
        configuration.epochs = 6
        configuration.earlyStopping = EarlyStopping(metric: .rSquared, patience: 2)
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        // Best 0.6 at epoch 2; 0.55 and 0.58 do not beat it: stop after epoch 4 (the falling loss never would).
        #expect(result.stopReason == .earlyStopped && result.epochs.count == 4 && result.bestEpoch == 2)
        #expect(result.epochs.map(\.validationRSquared) == [0.5, 0.6, 0.55, 0.58])

        let spec = try ScheduleSpec(parsing: "plateau:mode=max,patience=0,factor=0.5")
        configuration.earlyStopping = nil
        configuration.epochs = 5
        configuration.monitor = .rSquared
        var plateau = ScriptedTrainer(losses: Array(repeating: 1, count: 5), validations: Self.validations(rSquared: [0.5, 0.4, 0.6, 0.6, 0.7]),
                                      batchesPerEpoch: 1)
        let rates = try TrainingLoop(configuration: configuration, schedule: Scheduler(spec: spec, initialLearningRate: 0.1))
            .run(&plateau).epochs.map(\.learningRate)
        // 0.5 best; 0.4 worse: halve; 0.6 better; 0.6 not better: halve again.
        #expect(rates.count == 5 && zip(rates, [0.1, 0.1, 0.05, 0.05, 0.025]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(rates)")
    }

    @Test func validationRSquaredIsMonitoredHigherBetter() {
        let evaluation = Evaluation(loss: 0.5, accuracy: nil, count: 4,
                                    regression: RegressionReport(rootMeanSquaredError: 1, meanAbsoluteError: 1, rSquared: 0.7, count: 4))
        #expect(ValidationMetric.rSquared.value(in: evaluation) == 0.7)
        #expect(ValidationMetric.rSquared.improves(0.8, on: 0.7, minimumDelta: 0.05))
        #expect(ValidationMetric(rawValue: "val-r2") == .rSquared)
        #expect(ValidationMetric.rSquared.applies(to: .regression) && !ValidationMetric.rSquared.applies(to: .classification))
        #expect(!ValidationMetric.accuracy.applies(to: .regression) && ValidationMetric.loss.applies(to: .regression))
    }
}

/// Which task a label column implies, and the small-data sizes of the range test and its hand-off.
@Suite struct TaskInferenceTests {
    let directory = temporaryDirectory()

    func load(_ text: String, task: Task? = nil) throws -> Dataset {
        try DataLoader.load(writeFile(text, named: "t.csv", in: directory), task: task)
    }

    func error(_ text: String, task: Task? = nil) -> String? {
        do { _ = try load(text, task: task); return nil } catch {
            return "\(error)".replacingOccurrences(of: directory.appendingPathComponent("t.csv").path, with: "FILE")
        }
    }

    @Test func aFractionMakesRegressionWithANote() throws {
        let data = try load("x,y\n1,2\n2,1.5\n3,4\n")
        #expect(data.targets == .values(Matrix(rows: 3, columns: 1, storage: [2, 1.5, 4])))
        #expect(data.taskNote?.hasSuffix("t.csv: the labels are numbers, some with a fraction (line 3: '1.5'): a regression task") == true,
                "\(data.taskNote ?? "nil")")
    }

    @Test func integersWrittenWithPointZeroAndNamesAreClasses() throws {
        #expect(try load("x,y\n1,1.0\n2,0\n3,1\n").targets == .classes([1, 0, 1], count: 2))
        #expect(try load("x,y\n1,b\n2,a\n").classNames == ["a", "b"])
        #expect(try load("x,y\n1,1.0\n2,0\n").taskNote == nil)
    }

    @Test func manyDistinctIntegersNeedTheTask() throws {
        let rows = (0..<101).map { "\($0 % 7),\($0 * 3)" }.joined(separator: "\n")
        #expect(throws: TaskInferenceError(file: directory.appendingPathComponent("t.csv").path, distinctCount: 101)) { try load(rows) }
        // 100 distinct labels are still classes; with the task named, 101 are targets or classes.
        let hundred = (0..<100).map { "\($0 % 7),\($0 * 3)" }.joined(separator: "\n")
        #expect(try load(hundred).classCount == 100)
        #expect(try load(rows, task: .regression).targets.task == .regression)
        #expect(try load(rows, task: .classification).classCount == 101)
    }

    @Test func namedTasksRefuseLabelsThatDoNotFit() {
        #expect(error("x,y\n1,2\n2,1.5\n", task: .classification) == "FILE:3:2: label is a number but not an integer: '1.5'")
        #expect(error("x,y\n1,2\n2,yes\n", task: .regression) == "FILE:3:2: label is not a number, and regression needs numeric targets: 'yes'")
        #expect(error("x,y\n1,2.5\n2,yes\n") == "FILE:3:2: label is a name, but line 2 has a number with a fraction ('2.5'): classes or targets?: 'yes'")
        #expect(error("x,y\n1,2\n2,1e12\n", task: .classification)?.hasPrefix("FILE:3:2: label is out of range for a class label") == true)
        // A huge integer is a fine target.
        #expect(error("x,y\n1,2\n2,1e12\n", task: .regression) == nil)
    }

    @Test func theDefaultRangeTestIsFiveEpochsOrAHundredSteps() {
        // 178-row wine, 60 % train = 106 rows, batch 64: 2 batches per epoch, 5 epochs would be 10 steps.
        #expect(SmallData.defaultLength(batchesPerEpoch: 2) == .steps(100))
        #expect(SmallData.defaultLength(batchesPerEpoch: 19) == .steps(100))
        #expect(SmallData.defaultLength(batchesPerEpoch: 20) == .epochs(5))
        #expect(SmallData.defaultLength(batchesPerEpoch: 47) == .epochs(5))
        // Two batches per step: 5 epochs of 30 batches are 75 steps.
        #expect(SmallData.defaultLength(batchesPerEpoch: 30, batchesPerStep: 2) == .steps(100))
        #expect(SmallData.lengthDescription(steps: 100, batchesPerEpoch: 2)
            == "100 steps, 50 epochs of 2 batches (the default: 5 epochs or 100 steps, whichever is more)")
        #expect(SmallData.lengthDescription(steps: 100, batchesPerEpoch: 3).hasPrefix("100 steps, 33.3 epochs of 3 batches"))
        #expect(SmallData.coarseNote(steps: 49) != nil && SmallData.coarseNote(steps: 50) == nil)
    }

    @Test func batchesAndHandOffRunsFitSmallData() {
        #expect(SmallData.clampedBatchSize(64, trainingCount: 30) == 30)
        #expect(SmallData.clampedBatchSize(64, trainingCount: 3000) == 64)
        #expect(SmallData.batchSizeNote(given: 64, trainingCount: 30) == "--batch-size 64 is larger than the 30 training samples: batches of 30")
        #expect(SmallData.batchSizeNote(given: 30, trainingCount: 30) == nil)
        // At least 10 epochs and 300 updates: 150 epochs of 2 batches, 10 of 47.
        #expect(SmallData.defaultTrainingEpochs(batchesPerEpoch: 2) == 150)
        #expect(SmallData.defaultTrainingEpochs(batchesPerEpoch: 7) == 43)
        #expect(SmallData.defaultTrainingEpochs(batchesPerEpoch: 47) == 10)
    }
}
