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
        let folder = Fixtures.goldenCurves
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
        ("lr,loss\n0.001,nand\n0.01,2\n", ":2:2: not a number: 'nand'"),
        ("lr,loss,smoothed_loss\n0.001,2,x\n0.01,2,2\n", ":2:3: not a number: 'x'"),
        ("lr,loss\n0.001,\n", ":2:2: empty field: ''"),
        ("lr,loss\n0.001,2,3\n", ":2: row has 3 fields, the header has 2: '0.001,2,3'"),
        ("lr,loss\n0.001\n", ":2: row has 1 fields, the header has 2: '0.001'"),
        ("lr,loss\n0,2\n0.1,1\n", ":2:1: the learning rate must be positive: '0'"),
        ("lr,loss\n-1e-3,2\n0.1,1\n", ":2:1: the learning rate must be positive: '-1e-3'"),
        ("lr,loss\n1e999,2\n", ":2:1: value out of range for a 64-bit float: '1e999'"),
        ("lr,loss\n0.1,-1e400\n", ":2:2: value out of range for a 64-bit float: '-1e400'"),
        ("lr,loss\ninf,2\n0.1,1\n", ":2:1: the learning rate must be finite: 'inf'"),
        ("lr,loss\n0.001,2\nNaN,1\n", ":3:1: the learning rate must be finite: 'NaN'"),
        ("lr,Loss,x,loss\n0.001,2,1,1\n", ":1: columns 2 ('Loss') and 4 ('loss') are both named loss: keep one"),
        ("LR,loss, lr\n0.001,2,1\n", ":1: columns 1 ('LR') and 3 ('lr') are both named lr: keep one"),
        ("lr,loss,smoothed_loss,smoothed_loss,smoothed_loss\n", ":1: columns 3 ('smoothed_loss'), 4 ('smoothed_loss') and 5 ('smoothed_loss') are all named smoothed_loss: keep one"),
        ("lr,loss\n0.01,2\n0.01,1\n", ":3:1: learning rates must increase: 0.01 after 0.01"),
        ("loss,lr\n2,0.1\n1,0.05\n", ":3:2: learning rates must increase: 0.05 after 0.1"),
        ("lr,loss\n", ": needs at least 2 rows of lr,loss, got 0"),
        ("lr,loss\n0.01,2\n", ": needs at least 2 rows of lr,loss, got 1"),
    ])
    func errors(text: String, expected: String) {
        #expect(readError(text) == expected)
    }

    @Test func lossesMayBeNonFinite() throws {
        let path = writeFile("lr,loss\n0.001,nan\n0.01,NaN\n0.1,inf\n1,-inf\n2, -Infinity \n3,+INF\n", named: "nan.csv", in: directory)
        let losses = try RecordedCurve.read(path: path).steps.map(\.loss)
        #expect(losses[0].isNaN && losses[1].isNaN)
        #expect(Array(losses[2...]) == [.infinity, -.infinity, -.infinity, .infinity])
    }

    @Test func oldMacLineEndsAndAByteOrderMark() throws {
        let path = writeFile("\u{FEFF}lr,loss\r0.001,2\r0.01,1\r", named: "mac.csv", in: directory)
        let curve = try RecordedCurve.read(path: path)
        #expect(curve.steps.map(\.loss) == [2, 1] && curve.lines == [2, 3])
    }

    @Test(arguments: [false, true])
    func binaryFilesAreNotEchoed(gzip: Bool) {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
        bytes += Array("lr,loss".utf8)
        let path = writeBytes(bytes, named: "curve.png" + (gzip ? ".gz" : ""), in: directory, gzip: gzip)
        #expect(throws: DataError(file: path, message: "not a text CSV file (binary data)")) { try RecordedCurve.read(path: path) }
    }

    /// The curve of `losses` at rates 1e-3, 2e-3, ... (lines 2, 3, ...).
    func curve(_ losses: [Double], smoothed: [Double]? = nil) -> RecordedCurve {
        RecordedCurve(steps: losses.enumerated().map { index, loss in
            RangeTestStep(learningRate: 1e-3 * Double(index + 1), loss: loss, smoothedLoss: smoothed?[index] ?? loss)
        }, lines: losses.indices.map { $0 + 2 }, hasSmoothedColumn: smoothed != nil)
    }

    @Test func isolatedNonFinitePointsAreDropped() {
        // One NaN every seven points: 86 of 100 finite.
        let losses: [Double] = (0..<100).map { (index: Int) -> Double in index % 7 == 3 ? .nan : 2 - Double(index) / 100 }
        let finite = curve(losses).finiteCurve()
        #expect(finite.steps.count == 86 && finite.steps.allSatisfy { $0.loss.isFinite })
        #expect(finite.droppedLines == Array(stride(from: 5, through: 100, by: 7)))
        #expect(finite.stopLines == nil && finite.ignoredCount == 0)
        #expect(finite.notes == ["dropped 14 isolated non-finite loss(es), at line(s) 5, 12, 19, 26, 33, 40, 47, 54, 61, 68 and 4 more"])
        // A first point with a finite successor is isolated too; so is an infinity.
        let start = curve([.nan, 2, 1, .infinity, 1, 0.5]).finiteCurve()
        #expect(start.droppedLines == [2, 5] && start.steps.map(\.loss) == [2, 1, 1, 0.5])
        #expect(curve([2, 1, 0.5]).finiteCurve().notes.isEmpty)
    }

    @Test func aNonFiniteRunAtTheEndIsTheDivergence() {
        let finite = curve([2, 1.5, .nan, 1, 0.8, .infinity, .nan, .nan]).finiteCurve()
        #expect(finite.steps.map(\.loss) == [2, 1.5, 1, 0.8])
        #expect(finite.droppedLines == [4] && finite.stopLines == 7...9 && finite.ignoredCount == 3)
        #expect(finite.notes == ["dropped 1 isolated non-finite loss(es), at line(s) 4",
                                 "the loss is non-finite from line 7 to the end (3 row(s)): the curve stops there (divergence)"])
        #expect(curve([2, 1, .nan]).finiteCurve().stopLines == 4...4)
        // Two or more in the middle: the curve stops there too.
        let middle = curve([2, 1.5, .nan, .nan, 1, 0.9]).finiteCurve()
        #expect(middle.steps.count == 2 && middle.stopLines == 4...5 && middle.ignoredCount == 4)
        #expect(middle.notes == ["the loss is non-finite at lines 4 to 5: the curve stops there (divergence); the 2 row(s) after them are ignored"])
        // A moving average that turned NaN (lrfind's own CSV after a NaN loss) counts as non-finite.
        let smoothed = curve([2, 1.5, .nan, 1, 0.8], smoothed: [2, 1.7, .nan, .nan, .nan]).finiteCurve()
        #expect(smoothed.steps.count == 2 && smoothed.stopLines == 4...6)
    }

    @Test func missingFile() {
        #expect(throws: DataError(file: "/nonexistent/curve.csv", message: "no such file")) {
            try RecordedCurve.read(path: "/nonexistent/curve.csv")
        }
    }
}
