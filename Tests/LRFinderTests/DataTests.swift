import CZlib
import Foundation
import Testing
@testable import LRFinder

/// A fresh temporary directory per test.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` (gzip-compressed through zlib when `gzip`) and returns the path.
func writeFile(_ text: String, named name: String, in directory: URL, gzip: Bool = false) -> String {
    writeBytes(Array(text.utf8), named: name, in: directory, gzip: gzip)
}

func writeBytes(_ bytes: [UInt8], named name: String, in directory: URL, gzip: Bool = false) -> String {
    let path = directory.appendingPathComponent(name).path
    if gzip {
        let file = gzopen(path, "wb")!
        _ = bytes.withUnsafeBufferPointer { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        gzclose(file)
    } else {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
    return path
}

/// The error a load throws, as its one-line description.
func loadError(_ path: String, labelsPath: String? = nil, labelColumn: LabelColumn = .last, header: HeaderMode = .auto) -> String? {
    do {
        _ = try DataLoader.load(path, labelsPath: labelsPath, labelColumn: labelColumn, header: header)
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct CSVTests {
    let directory = temporaryDirectory()

    @Test(arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        let text = "0.5,1,-2.25e-1,3\n1e3,+4,.5,0\r\n7,8,9.,1"   // CRLF and no final newline
        let path = writeFile(text, named: "a.csv" + (gzip ? ".gz" : ""), in: directory, gzip: gzip)
        let data = try DataLoader.load(path)
        #expect(data.features == Matrix([[0.5, 1, -0.225], [1000, 4, 0.5], [7, 8, 9]]))
        // Labels 3, 0, 1: the classes are the distinct labels in order, named by them.
        #expect(data.labels == [2, 0, 1])
        #expect(data.classCount == 3 && data.classNames == ["0", "1", "3"] && data.hasRenamedClasses)
    }

    @Test func gzipIsDetectedByContentNotName() throws {
        let path = writeFile("1,2,0\n3,4,1\n", named: "plain-name.csv", in: directory, gzip: true)
        #expect(try DataLoader.load(path).features == Matrix([[1, 2], [3, 4]]))
    }

    @Test func headerModes() throws {
        let path = writeFile("\n  \nx,y,label\n1,2,0\n3,4,1\n", named: "h.csv", in: directory)
        #expect(try DataLoader.load(path, header: .auto).count == 2)
        #expect(try DataLoader.load(path, header: .present).count == 2)
        #expect(loadError(path, header: .absent) == "\(path):3:1: not a number in numeric column 'column 1' (2 of its 3 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'x'")
        let numeric = writeFile("5,6,1\n1,2,0\n3,3,1\n", named: "n.csv", in: directory)
        #expect(try DataLoader.load(numeric, header: .auto).count == 3)
        #expect(try DataLoader.load(numeric, header: .present).count == 2)
    }

    @Test func labelColumns() throws {
        let path = writeFile("2,10,20\n0,30,40\n1,50,60\n", named: "l.csv", in: directory)
        let first = try DataLoader.load(path, labelColumn: .first)
        #expect(first.labels == [2, 0, 1])
        #expect(first.features == Matrix([[10, 20], [30, 40], [50, 60]]))
        let middle = writeFile("10,1,20\n30,0,40\n", named: "m.csv", in: directory)
        let byIndex = try DataLoader.load(middle, labelColumn: .index(1))
        #expect(byIndex.labels == [1, 0])
        #expect(byIndex.features == Matrix([[10, 20], [30, 40]]))
        #expect(loadError(middle, labelColumn: .index(5)) == "\(middle):1: label column 6 does not exist: rows have 3 fields")
    }

    @Test(arguments: [
        ("1,2,0\n3,x7,1\n5,6,0\n", "2:2: not a number in numeric column 'column 2' (2 of its 3 cells are numbers); fix the cell, mark it missing (NA, with --missing), or name the column in --categorical: 'x7'"),
        ("1,2,0\n3,4\n", "2: row has 2 fields, expected 3: '3,4'"),
        ("1,2,0\n3,4,1,5\n", "2: row has 4 fields, expected 3: '3,4,1,5'"),
        ("1,2,1\n3,4,1\n", "only one class (label 1); a classifier needs at least two"),
        ("1,2,0\n1,,0\n", "2:2: missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean): ''"),
        ("2,3,1\n1,nan,0\n", "2:2: missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean): 'nan'"),
        ("", "no data rows"),
        ("\n\n", "no data rows"),
        ("a,b,c\n", "no data rows"),
    ])
    func errors(text: String, expected: String) {
        let path = writeFile(text, named: "bad.csv", in: directory)
        let message = loadError(path)
        // A location (line, or line:column) follows the path at once; a message about the whole file after a space.
        let separator = expected.first!.isNumber ? ":" : ": "
        #expect(message == "\(path)\(separator)\(expected)", "got \(message ?? "no error")")
    }

    @Test func integerLabelWrittenAsDecimal() throws {
        let path = writeFile("1,2,3.0\n3,4,0\n", named: "d.csv", in: directory)
        let data = try DataLoader.load(path)
        #expect(data.labels == [1, 0] && data.classNames == ["0", "3"])
    }

    @Test func missingFileAndDirectory() {
        #expect(loadError("/nonexistent/data.csv") == "/nonexistent/data.csv: no such file")
        #expect(loadError(directory.path) == "\(directory.path): is a directory, not a data file")
    }

    @Test func corruptGzip() {
        var bytes: [UInt8] = [0x1F, 0x8B, 0x08, 0x00]
        bytes += [UInt8](repeating: 0x41, count: 64)
        let path = writeBytes(bytes, named: "corrupt.csv.gz", in: directory)
        #expect(loadError(path)?.hasPrefix("\(path): corrupt gzip data") == true, "\(loadError(path) ?? "")")
    }

    @Test func truncatedGzip() {
        let full = writeFile(String(repeating: "1,2,3,0\n4,5,6,1\n", count: 2000), named: "full.csv.gz", in: directory, gzip: true)
        let bytes = [UInt8](FileManager.default.contents(atPath: full)!)
        let path = writeBytes(Array(bytes.prefix(bytes.count / 2)), named: "cut.csv.gz", in: directory)
        #expect(loadError(path)?.hasPrefix("\(path): corrupt gzip data") == true, "\(loadError(path) ?? "")")
    }
}

@Suite struct IDXTests {
    let directory = temporaryDirectory()

    /// An IDX file: magic 0 0 type dims, big-endian sizes, then `payload`.
    func idx(type: UInt8, shape: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for size in shape { bytes += [UInt8(size >> 24 & 255), UInt8(size >> 16 & 255), UInt8(size >> 8 & 255), UInt8(size & 255)] }
        return bytes + payload
    }

    @Test(arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        let images = writeBytes(idx(type: 0x08, shape: [3, 2, 2], payload: Array(0..<12)), named: "img", in: directory, gzip: gzip)
        let labels = writeBytes(idx(type: 0x08, shape: [3], payload: [2, 0, 1]), named: "lab", in: directory, gzip: gzip)
        let data = try DataLoader.load(images, labelsPath: labels)
        #expect(data.features == Matrix([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]))
        #expect(data.labels == [2, 0, 1])
        #expect(data.shape == TensorShape(channels: 1, height: 2, width: 2))
    }

    @Test func floatAndSignedElements() throws {
        let bits = Float(-1.5).bitPattern
        let float = [UInt8(bits >> 24), UInt8(bits >> 16 & 255), UInt8(bits >> 8 & 255), UInt8(bits & 255)]
        let images = writeBytes(idx(type: 0x0D, shape: [2, 1], payload: float + [0x3F, 0x80, 0, 0]), named: "f", in: directory)
        let labels = writeBytes(idx(type: 0x08, shape: [2], payload: [0, 1]), named: "fl", in: directory)
        #expect(try DataLoader.load(images, labelsPath: labels).features == Matrix([[-1.5], [1]]))
        let signed = writeBytes(idx(type: 0x09, shape: [2, 1], payload: [0xFF, 0x05]), named: "s", in: directory)
        #expect(try DataLoader.load(signed, labelsPath: labels).features == Matrix([[-1], [5]]))
    }

    @Test func errors() {
        let images = writeBytes(idx(type: 0x08, shape: [3, 2], payload: Array(0..<6)), named: "img", in: directory)
        let twoLabels = writeBytes(idx(type: 0x08, shape: [2], payload: [0, 1]), named: "two", in: directory)
        #expect(loadError(images, labelsPath: twoLabels) == "\(twoLabels): 2 labels for 3 images in \(images)")
        let truncated = writeBytes(idx(type: 0x08, shape: [3, 2], payload: Array(0..<4)), named: "cut", in: directory)
        #expect(loadError(truncated, labelsPath: twoLabels)?.contains("truncated IDX file") == true)
        let badMagic = writeBytes([1, 2, 3, 4, 5], named: "magic", in: directory)
        #expect(loadError(badMagic, labelsPath: twoLabels) == "\(badMagic): not an IDX file (bad magic number): '01 02 03 04'")
        #expect(loadError(images)?.contains("this is an IDX file; it needs its IDX labels file beside it") == true)
    }
}

@Suite struct PreparationTests {
    @Test func bundledMnist() throws {
        let data = try BundledDataset.mnist5k.load()
        #expect(data.count == 5000 && data.featureCount == 784 && data.classCount == 10)
        #expect(data.features.storage.max() == 255 && data.features.storage.min() == 0)
        #expect((0..<10).allSatisfy { c in data.labels.filter { $0 == c }.count == 500 })
        #expect(data.shape == TensorShape(channels: 1, height: 28, width: 28))
        let digits = try BundledDataset.digits.load()
        #expect(digits.count == 1797 && digits.featureCount == 64 && digits.classCount == 10)
        #expect(digits.features.storage.max() == 16)
    }

    @Test func stratifiedSplitIsExactAndSeeded() throws {
        let data = try BundledDataset.mnist5k.load()
        let split = try DataSplit(stratifying: data, sizes: .counts(train: 3000, validation: 1000, test: 1000), seed: 0)
        for (part, perClass) in [(split.train, 300), (split.validation, 100), (split.test, 100)] {
            #expect((0..<10).allSatisfy { c in part.labels.filter { $0 == c }.count == perClass })
        }
        // Disjoint and complete: every original row lands once.
        var rows = Set<[Float]>()
        for part in [split.train, split.validation, split.test] { for r in 0..<part.count { rows.insert(part.features.row(r)) } }
        #expect(rows.count == Set((0..<5000).map { data.features.row($0) }).count)
        let again = try DataSplit(stratifying: data, sizes: .counts(train: 3000, validation: 1000, test: 1000), seed: 0)
        #expect(again.train == split.train && again.test == split.test)
        let other = try DataSplit(stratifying: data, sizes: .counts(train: 3000, validation: 1000, test: 1000), seed: 1)
        #expect(other.train.labels != split.train.labels)
        // Shuffled, not sorted by label.
        #expect(split.train.labels.prefix(30) != split.train.labels.sorted().prefix(30))
    }

    @Test func unevenClassesStayInProportion() throws {
        let digits = try BundledDataset.digits.load()
        let split = try DataSplit(stratifying: digits, sizes: try SplitSizes(parsing: "0.6,0.2,0.2"), seed: 3)
        #expect(split.train.count + split.validation.count + split.test.count == 1797)
        #expect(split.validation.count == 359 && split.test.count == 359)
        for c in 0..<10 {
            let total = digits.labels.filter { $0 == c }.count
            let inTrain = split.train.labels.filter { $0 == c }.count
            #expect(abs(Double(inTrain) - 0.6 * Double(total)) <= 1.5)
        }
    }

    @Test func splitSizeParsing() throws {
        #expect(try SplitSizes(parsing: "3000,1000,1000") == .counts(train: 3000, validation: 1000, test: 1000))
        #expect(try SplitSizes(parsing: "0.6, 0.2, 0.2") == .fractions(train: 0.6, validation: 0.2, test: 0.2))
        for bad in ["1,2", "0.7,0.3,0.2", "a,b,c", "0,10,10", "-1,2,3"] {
            #expect(throws: SplitSizesError.self) { try SplitSizes(parsing: bad) }
        }
        let data = Dataset(features: Matrix(rows: 10, columns: 1), labels: (0..<10).map { Int32($0 % 2) })
        #expect(throws: SplitSizesError.self) { try DataSplit(stratifying: data, sizes: .counts(train: 8, validation: 2, test: 1), seed: 0) }
    }

    @Test func scalers() {
        let train = Matrix([[0, 10, 5], [255, 20, 5], [51, 30, 5]])
        var maxScaled = train
        FeatureScaler(method: .max, fittedOn: train).apply(to: &maxScaled)
        let expected: [Float] = [0, 10.0 / 255, 5.0 / 255, 1, 20.0 / 255, 5.0 / 255, 0.2, 30.0 / 255, 5.0 / 255]
        #expect(maxScaled.storage.count == expected.count && zip(maxScaled.storage, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        let standard = FeatureScaler(method: .standardize, fittedOn: train)
        var scaled = train
        standard.apply(to: &scaled)
        // Column 1: mean 20, population deviation sqrt(200/3).
        let deviation = Float((200.0 / 3).squareRoot())
        #expect(abs(scaled[0, 1] - (-10 / deviation)) < 1e-6 && abs(scaled[2, 1] - 10 / deviation) < 1e-6)
        // Constant column: centred, no NaN.
        #expect((0..<3).allSatisfy { scaled[$0, 2] == 0 })
        // Validation data uses the training statistics.
        var validation = Matrix([[0, 40, 7]])
        standard.apply(to: &validation)
        #expect(abs(validation[0, 1] - 20 / deviation) < 1e-6 && validation[0, 2] == 2)
        var untouched = train
        FeatureScaler(method: .none, fittedOn: train).apply(to: &untouched)
        #expect(untouched == train)
    }

    @Test func preparedDefaultsFollowTheData() throws {
        let mnist = try DataRecipe().prepare()
        #expect(mnist.scaling == .max && mnist.train.count == 3000 && mnist.validation.count == 1000 && mnist.test.count == 1000)
        #expect(mnist.train.features.storage.max() == 1)
        let directory = temporaryDirectory()
        let rows = (0..<50).map { "\($0),\($0 * 3 % 7),\($0 % 2)" }.joined(separator: "\n")
        var recipe = DataRecipe()
        recipe.path = writeFile(rows, named: "t.csv", in: directory)
        let csv = try recipe.prepare()
        #expect(csv.scaling == .standardize && csv.train.count == 30 && csv.test.count == 10)
    }
}

@Suite struct BatchSamplerTests {
    @Test func coversEveryIndexOncePerEpochAndReshuffles() {
        var sampler = BatchSampler(sampleCount: 3000, batchSize: 64, seed: 0)
        #expect(sampler.batchesPerEpoch == 47)
        let first = sampler.nextEpoch()
        #expect(first.count == 47 && first.last!.count == 56 && first.dropLast().allSatisfy { $0.count == 64 })
        #expect(first.flatMap { $0 }.sorted() == Array(0..<3000))
        let second = sampler.nextEpoch()
        #expect(second.flatMap { $0 }.sorted() == Array(0..<3000))
        #expect(Array(first[0]) != Array(second[0]))
        var again = BatchSampler(sampleCount: 3000, batchSize: 64, seed: 0)
        #expect(again.nextEpoch().map(Array.init) == first.map(Array.init))
        var dropping = BatchSampler(sampleCount: 3000, batchSize: 64, seed: 0, dropLast: true)
        #expect(dropping.batchesPerEpoch == 46 && dropping.nextEpoch().allSatisfy { $0.count == 64 })
        var ordered = BatchSampler(sampleCount: 10, batchSize: 4, seed: 0, shuffle: false)
        #expect(ordered.nextEpoch().map(Array.init) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }
}
