import Foundation
import Testing
@testable import LRFinder

@Suite struct RecordedCurveTests {
    let directory = temporaryDirectory()

    /// The error reading `text` as a curve gives, as its one-line description without the path.
    func readError(_ text: String) -> String? {
        let path = writeFile(text, named: "curve.csv", in: directory)
        do {
            _ = try RecordedCurve.read(path: path)
            return nil
        } catch {
            let message = "\(error)"
            return message.hasPrefix(path) ? String(message.dropFirst(path.count)) : message
        }
    }

    @Test(arguments: [false, true])
    func readsTheColumnsByName(gzip: Bool) throws {
        let text = "step, LR ,Loss,smoothed_loss,lag_free_loss\r\n0,1e-3,2.5,2.5,2.4\r\n\r\n1,0.01,2.0,2.25,2.1\r\n2,0.1,3,2.6,2.9"
        let path = writeFile(text, named: "lrfind.csv" + (gzip ? ".gz" : ""), in: directory, gzip: gzip)
        let curve = try RecordedCurve.read(path: path)
        #expect(curve.hasSmoothedColumn)
        #expect(curve.steps == [RangeTestStep(learningRate: 1e-3, loss: 2.5, smoothedLoss: 2.5),
                                RangeTestStep(learningRate: 0.01, loss: 2.0, smoothedLoss: 2.25),
                                RangeTestStep(learningRate: 0.1, loss: 3, smoothedLoss: 2.6)])
    }

    @Test func withoutASmoothedColumnTheLossStandsIn() throws {
        let path = writeFile("\nloss,lr\n2.5,0.001\n2.0,0.01\n", named: "keras.csv", in: directory)
        let curve = try RecordedCurve.read(path: path)
        #expect(!curve.hasSmoothedColumn)
        #expect(curve.steps.map(\.learningRate) == [0.001, 0.01])
        #expect(curve.steps.map(\.smoothedLoss) == [2.5, 2.0])
    }

    @Test func goldenCurvesReadAsSwiftParsesThem() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../fixtures/golden/curves").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".csv") }
        #expect(!names.isEmpty)
        for name in names {
            let path = folder.appendingPathComponent(name).path
            let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map { Double($0)! } }
            let curve = try RecordedCurve.read(path: path)
            #expect(curve.steps.map(\.learningRate) == rows.map { $0[0] }, "\(name)")
            #expect(curve.steps.map(\.loss) == rows.map { $0[1] }, "\(name)")
        }
    }

    @Test(arguments: [
        ("", ": empty file"),
        ("\n \n", ": empty file"),
        ("lr,los\n0.1,2\n", ":1: the header needs the columns lr and loss: 'lr,los'"),
        ("\nrate,loss\n", ":2: the header needs the columns lr and loss: 'rate,loss'"),
        ("lr,loss\n0.001,2.3\n0.01,abc\n", ":3:2: not a number: 'abc'"),
        ("lr,loss\n0.001,nan\n0.01,2\n", ":2:2: not a number: 'nan'"),
        ("lr,loss,smoothed_loss\n0.001,2,x\n0.01,2,2\n", ":2:3: not a number: 'x'"),
        ("lr,loss\n0.001,\n", ":2:2: empty field: ''"),
        ("lr,loss\n0.001,2,3\n", ":2: row has 3 fields, the header has 2: '0.001,2,3'"),
        ("lr,loss\n0.001\n", ":2: row has 1 fields, the header has 2: '0.001'"),
        ("lr,loss\n0,2\n0.1,1\n", ":2:1: the learning rate must be positive: '0'"),
        ("lr,loss\n-1e-3,2\n0.1,1\n", ":2:1: the learning rate must be positive: '-1e-3'"),
        ("lr,loss\n1e999,2\n", ":2:1: the learning rate must be positive: '1e999'"),
        ("lr,loss\n0.01,2\n0.01,1\n", ":3:1: learning rates must increase: 0.01 after 0.01"),
        ("loss,lr\n2,0.1\n1,0.05\n", ":3:2: learning rates must increase: 0.05 after 0.1"),
        ("lr,loss\n", ": needs at least 2 rows of lr,loss, got 0"),
        ("lr,loss\n0.01,2\n", ": needs at least 2 rows of lr,loss, got 1"),
    ])
    func errors(text: String, expected: String) {
        #expect(readError(text) == expected)
    }

    @Test func missingFile() {
        #expect(throws: DataError(file: "/nonexistent/curve.csv", message: "no such file")) {
            try RecordedCurve.read(path: "/nonexistent/curve.csv")
        }
    }
}
