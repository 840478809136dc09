import Foundation
import Testing
@testable import LRFinder

/// Issue 22's bounds, the library's rules: a shape too large to count, a model file whose input
/// shape or one-hot levels cannot be used, a batch larger than the data, and more threads than
/// the machine has.
@Suite struct InputBoundsTests {
    /// Item 1: a shape whose element count overflows an `Int` is not a shape.
    @Test func parsingRefusesAShapeWhoseCountOverflows() throws {
        #expect(TensorShape(parsing: "1000000000x1000000000x1000000000") == nil)
        #expect(TensorShape(parsing: "3037000500x3037000500x1") == nil)
        #expect(TensorShape(parsing: "3037000499x3037000499x1")?.count == 3_037_000_499 * 3_037_000_499)
        #expect(throws: TensorShapeError(description: "too large: its sizes overflow a 64-bit count")) {
            try TensorShape(validating: "3037000500x3037000500x1")
        }
        #expect(throws: TensorShapeError(description: "not N or CxHxW with sizes >= 1")) { try TensorShape(validating: "2x0x2") }
        #expect(TensorShape(channels: 3_037_000_500, height: 3_037_000_500, width: 1).countOverflows)
        #expect(!TensorShape(channels: 1, height: 28, width: 28).countOverflows)
    }

    /// Item 1: a model file whose `input_shape` is too large to count is refused, naming the file.
    @Test func aSavedInputShapeWhoseCountOverflowsIsRefused() throws {
        var metadata = SavedModel.Description(spec: try ModelSpec(parsing: "logreg"), outputs: 3, inputShape: .vector(4),
                                              task: .classification, classNames: ["a", "b", "c"]).metadata
        metadata["input_shape"] = "[3037000500,3037000500,1]"
        #expect(throws: DataError(file: "m.safetensors", message: "metadata 'input_shape' is too large: its sizes overflow a 64-bit count",
                                  text: "[3037000500,3037000500,1]")) {
            try SavedModel.Description(metadata: metadata, file: "m.safetensors")
        }
    }

    /// Item 3: saved preprocessing that lists a one-hot level twice is refused, naming the file,
    /// the column and the level.
    @Test func savedPreprocessingWithADuplicateLevelIsRefused() throws {
        var recipe = DataRecipe()
        recipe.path = Fixtures.penguins
        recipe.labelColumn = .first
        recipe.missing = .mean
        let data = try recipe.prepare()
        var saved = try #require(SavedPreprocessing(recipe: recipe, data: data))
        let island = try #require(saved.encoding.columns.firstIndex { $0.name == "island" })
        #expect(try SavedPreprocessing(json: saved.json, file: "m.safetensors") == saved)
        saved.encoding.columns[island].levels = ["A", "A", "B"]
        #expect(throws: DataError(file: "m.safetensors", message: "metadata 'preprocessing': column 'island' lists a one-hot level twice", text: "A")) {
            try SavedPreprocessing(json: saved.json, file: "m.safetensors")
        }
    }

    /// Item 2: the clamp note names the option it is given for.
    @Test func theBatchSizeNoteNamesItsOption() {
        #expect(SmallData.batchSizeNote(given: 256, trainingCount: 108, option: "--batch-sizes")
                == "--batch-sizes 256 is larger than the 108 training samples: batches of 108")
        #expect(SmallData.batchSizeNote(given: 256, trainingCount: 108) == "--batch-size 256 is larger than the 108 training samples: batches of 108")
    }

    /// Item 4: threads are held to the processors and to OpenBLAS's maximum, with a note.
    @Test func threadsAreHeldToTheProcessorsAndOpenBLAS() {
        let machine = BLASRuntime.clampedThreadCount(100_000, processors: 2, maximum: 64)
        #expect(machine.count == 2)
        #expect(machine.note == "--threads 100000 is more than this machine's 2 processors: 2 threads")
        let single = BLASRuntime.clampedThreadCount(3, processors: 1, maximum: nil)
        #expect(single.count == 1 && single.note == "--threads 3 is more than this machine's 1 processor: 1 thread")
        let openBLAS = BLASRuntime.clampedThreadCount(100, processors: 128, maximum: 64)
        #expect(openBLAS.count == 64)
        #expect(openBLAS.note == "--threads 100 is more than OpenBLAS's maximum of 64 threads: 64 threads")
        let fewer = BLASRuntime.clampedThreadCount(2, processors: 8, maximum: 64)
        #expect(fewer.count == 2 && fewer.note == nil)
        let all = BLASRuntime.clampedThreadCount(8, processors: 8, maximum: nil)
        #expect(all.count == 8 && all.note == nil)
        // This machine's own limits.
        if BLASRuntime.configuration.contains("MAX_THREADS=") { #expect(BLASRuntime.maximumThreadCount != nil) }
        let here = BLASRuntime.clampedThreadCount(100_000)
        #expect(here.count == min(BLASRuntime.processorCount, BLASRuntime.maximumThreadCount ?? .max))
        #expect(here.note != nil)
    }
}
