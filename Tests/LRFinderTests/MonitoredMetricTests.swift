import Foundation
import Testing
@testable import LRFinder

/// Early stopping and ReduceLROnPlateau on the validation report's balanced accuracy and macro
/// F1, on scripted evaluations whose accuracy keeps rising while the monitored score does not.
@Suite struct MonitoredMetricTests {
    /// Validation evaluations with a rising accuracy and falling loss, and the given balanced
    /// accuracies and macro F1 scores.
    static func validations(balanced: [Double], macroF1: [Double]) -> [Evaluation] {
        zip(balanced, macroF1).enumerated().map { index, scores in
            var report = ClassificationReport(ConfusionMatrix(rows: [[1, 0], [0, 1]]))
            report.balancedAccuracy = scores.0
            report.macroF1 = scores.1
            return Evaluation(loss: 1 / Double(index + 1), accuracy: 0.5 + 0.05 * Double(index), count: 2, report: report)
        }
    }

    @Test(arguments: [ValidationMetric.balancedAccuracy, .macroF1])
    func earlyStoppingWatchesTheReport(metric: ValidationMetric) throws {
        let scores: [Double] = [0.5, 0.6, 0.55, 0.58, 0.9, 0.9]
        let flat: [Double] = Array(repeating: 0.1, count: scores.count)
        let evaluations = metric == .balancedAccuracy ? Self.validations(balanced: scores, macroF1: flat)
                                                      : Self.validations(balanced: flat, macroF1: scores)
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 12), validations: evaluations, batchesPerEpoch: 2)
        var configuration = TrainingConfiguration()
        configuration.epochs = 6
        configuration.earlyStopping = EarlyStopping(metric: metric, patience: 2)
        let result = try TrainingLoop(configuration: configuration).run(&trainer)
        // Best 0.6 at epoch 2; epochs 3 (0.55) and 4 (0.58) do not beat it: stop after epoch 4.
        #expect(result.stopReason == .earlyStopped)
        #expect(result.epochs.count == 4)
        #expect(result.bestEpoch == 2 && result.restoredEpoch == 2)
        #expect(trainer.restoredCount == 1)

        // The same run on the (rising) accuracy never stops.
        var onAccuracy = ScriptedTrainer(losses: Array(repeating: 1, count: 12), validations: evaluations, batchesPerEpoch: 2)
        configuration.earlyStopping = EarlyStopping(metric: .accuracy, patience: 2)
        #expect(try TrainingLoop(configuration: configuration).run(&onAccuracy).stopReason == .completed)
    }

    @Test(arguments: [ValidationMetric.balancedAccuracy, .macroF1])
    func plateauInMaxModeWatchesTheMonitoredMetric(metric: ValidationMetric) throws {
        let scores: [Double] = [0.5, 0.4, 0.6, 0.6, 0.7]
        let flat: [Double] = Array(repeating: 0.1, count: scores.count)
        let evaluations = metric == .balancedAccuracy ? Self.validations(balanced: scores, macroF1: flat)
                                                      : Self.validations(balanced: flat, macroF1: scores)
        let spec = try ScheduleSpec(parsing: "plateau:mode=max,patience=0,factor=0.5")
        var configuration = TrainingConfiguration()
        configuration.epochs = 5
        configuration.monitor = metric
        var trainer = ScriptedTrainer(losses: Array(repeating: 1, count: 5), validations: evaluations, batchesPerEpoch: 1)
        let rates = try TrainingLoop(configuration: configuration, schedule: Scheduler(spec: spec, initialLearningRate: 0.1))
            .run(&trainer).epochs.map(\.learningRate)
        // 0.5 best; 0.4 worse: halve; 0.6 better; 0.6 not better: halve again.
        let expected: [Double] = [0.1, 0.1, 0.05, 0.05, 0.025]
        #expect(rates.count == expected.count && zip(rates, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(rates)")

        // Without a higher-is-better monitor, max mode watches the (rising) accuracy: no change.
        for monitor in [nil, ValidationMetric.loss] {
            configuration.monitor = monitor
            var onAccuracy = ScriptedTrainer(losses: Array(repeating: 1, count: 5), validations: evaluations, batchesPerEpoch: 1)
            let unchanged = try TrainingLoop(configuration: configuration, schedule: Scheduler(spec: spec, initialLearningRate: 0.1))
                .run(&onAccuracy).epochs.map(\.learningRate)
            #expect(unchanged.allSatisfy { abs($0 - 0.1) < 1e-12 }, "\(unchanged)")
        }
    }

    @Test func metricsReadTheirValueAndDirection() {
        let evaluation = Self.validations(balanced: [0.25], macroF1: [0.75])[0]
        #expect(ValidationMetric.loss.value(in: evaluation) == 1)
        #expect(ValidationMetric.accuracy.value(in: evaluation) == 0.5)
        #expect(ValidationMetric.balancedAccuracy.value(in: evaluation) == 0.25)
        #expect(ValidationMetric.macroF1.value(in: evaluation) == 0.75)
        #expect(ValidationMetric.allCases.filter(\.higherIsBetter) == [.accuracy, .balancedAccuracy, .macroF1, .rSquared])
        #expect(ValidationMetric.macroF1.improves(0.6, on: 0.5, minimumDelta: 0.05))
        #expect(!ValidationMetric.macroF1.improves(0.54, on: 0.5, minimumDelta: 0.05))
        #expect(ValidationMetric(rawValue: "val-balanced-accuracy") == .balancedAccuracy)
        #expect(ValidationMetric(rawValue: "val-macro-f1") == .macroF1)
        // Regression: minus the loss, so higher stays better.
        #expect(ValidationMetric.macroF1.value(in: Evaluation(loss: 2, accuracy: nil, count: 1)) == -2)
    }
}
