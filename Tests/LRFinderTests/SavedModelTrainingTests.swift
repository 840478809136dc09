import Foundation
import Testing
@testable import LRFinder

/// How the run that trained a saved model ended (issue 22, item 12): `stopped` and `epochs` in
/// the metadata, read back, absent from files of earlier versions, and refused in one line when
/// they cannot be read.
@Suite struct SavedModelTrainingTests {
    /// The metadata entries every lrfind file has.
    static let base = ["lrfind_version": "0.9.0", "model": "logreg", "outputs": "3", "input_shape": "[4,1,1]",
                       "task": "classification", "class_names": "[\"a\",\"b\",\"c\"]"]

    @Test func theRunIsWrittenAndReadBack() throws {
        var description = try #require(try SavedModel.Description(metadata: Self.base, file: "m"))
        #expect(description.training == nil, "a file of an earlier version has no run")
        description.training = .init(stopReason: .interrupted, completedEpochs: 3, plannedEpochs: 10)
        let metadata = description.metadata
        #expect(metadata["stopped"] == "interrupted" && metadata["epochs"] == "3 of 10")
        #expect(try SavedModel.Description(metadata: metadata, file: "m") == description)
    }

    @Test func theEpochsCountOnlyCompleteOnes() {
        let epoch = { (number: Int, complete: Bool) in
            EpochSummary(epoch: number, trainLoss: 1, trainAccuracy: nil, validationLoss: nil, validationAccuracy: nil,
                         learningRate: 0.1, momentum: nil, seconds: 0, complete: complete)
        }
        let result = TrainingResult(epochs: [epoch(1, true), epoch(2, true), epoch(3, false)], stopReason: .interrupted,
                                    test: nil, trainingSeconds: 0, samplesPerSecond: 0)
        let training = SavedModel.Description.Training(result, plannedEpochs: 10)
        #expect(training == .init(stopReason: .interrupted, completedEpochs: 2, plannedEpochs: 10))
        #expect(training.epochsText == "2 of 10")
    }

    @Test func anUnreadableRunIsOneLineNamingTheEntry() {
        var metadata = Self.base
        metadata["stopped"] = "paused"
        metadata["epochs"] = "3 of 10"
        #expect(throws: DataError(file: "m", message: "metadata 'stopped' cannot be read", text: "paused")) {
            try SavedModel.Description(metadata: metadata, file: "m")
        }
        metadata["stopped"] = "interrupted"
        metadata["epochs"] = "three of 10"
        #expect(throws: DataError(file: "m", message: "metadata 'epochs' cannot be read", text: "three of 10")) {
            try SavedModel.Description(metadata: metadata, file: "m")
        }
        metadata["epochs"] = nil
        #expect(throws: DataError(file: "m", message: "metadata has lrfind_version but no 'epochs'")) {
            try SavedModel.Description(metadata: metadata, file: "m")
        }
    }
}
