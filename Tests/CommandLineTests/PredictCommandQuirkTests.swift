import Foundation
import Testing

/// Issue 23, items 6 to 9, through `lrfind predict`: columns by name whatever their order and
/// delimiter; a level the model was not trained on encoded as all zeros with a note (the training
/// file itself predicts); metadata text cut in errors; control characters in labels and levels
/// past the first 4 KiB of a file escaped in the predictions, notes and tables.
@Suite struct PredictCommandQuirkTests {
    /// Trains a small model on `data` (with `options`) in `folder` and saves it as `m.st`;
    /// returns the run's stderr.
    @discardableResult
    static func train(_ data: String, _ options: [String] = [], in folder: URL) throws -> String {
        let run = try runLRFind(["train", "--data", data, "--model", "dense:8,relu", "--epochs", "5", "--quiet", "--save", "m.st"] + options, in: folder)
        #expect(run.status == 0, "\(run.error)")
        return run.error
    }

    /// `lines` written to `name` in `folder`, one a line.
    static func write(_ lines: [String], _ name: String, in folder: URL) throws {
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// The model file `m.st` in `folder` with its metadata changed by `change`, written to `name`.
    static func rewrite(in folder: URL, to name: String, _ change: (inout [String: String]) -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent("m.st")))
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        var header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        var metadata = header["__metadata__"] as! [String: String]
        change(&metadata)
        header["__metadata__"] = metadata
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        let file = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + bytes[(8 + length)...]
        try Data(file).write(to: folder.appendingPathComponent(name))
    }

    @Test func predictReadsColumnsByNameWhateverTheirOrderAndDelimiter() throws {
        let folder = scratchDirectory()
        // The default label column, the last: its name, species, is saved.
        try Self.train(Fixtures.iris, in: folder)
        let lines = try String(contentsOfFile: Fixtures.iris, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        func columns(_ order: [Int], _ delimiter: String = ",") -> [String] {
            lines.enumerated().map { line, fields in order.map { $0 < 5 ? fields[$0] : line == 0 ? "note" : "x" }.joined(separator: delimiter) }
        }
        try Self.write(columns([4, 0, 1, 2, 3]), "reordered.csv", in: folder)
        try Self.write(columns([0, 1, 2, 3, 4, 5]), "extra.csv", in: folder)
        try Self.write(columns([0, 1, 2, 3, 4], "\t"), "tabs.csv", in: folder)
        let expected = try runLRFind(["predict", "m.st", "--data", Fixtures.iris, "--output", "expected.csv"], in: folder)
        #expect(expected.status == 0 && expected.output.contains("\nlabels: loss "), "\(expected.error)")
        let expectedCSV = try String(contentsOf: folder.appendingPathComponent("expected.csv"), encoding: .utf8)
        for name in ["reordered.csv", "extra.csv", "tabs.csv"] {
            let run = try runLRFind(["predict", "m.st", "--data", name, "--output", "p.csv"], in: folder)
            #expect(run.status == 0, "\(name): \(run.error)")
            #expect(run.error == (name == "extra.csv" ? "lrfind: note: extra.csv: left out 1 column the model was not trained on: note\n" : ""))
            // The same evaluation and the same predictions.
            #expect(run.output.split(separator: "\n").dropFirst() == expected.output.split(separator: "\n").dropFirst(), "\(name)")
            #expect(try String(contentsOf: folder.appendingPathComponent("p.csv"), encoding: .utf8) == expectedCSV, "\(name)")
        }
    }

    @Test func theTrainingFilePredictsWhenALevelWasOnlyInTheTestSplit() throws {
        let folder = scratchDirectory()
        var lines = try String(contentsOfFile: Fixtures.penguins, encoding: .utf8).split(separator: "\n").map(String.init)
        let edited = try #require(lines.firstIndex { $0.hasPrefix("Adelie,Dream,") })
        lines[edited] = lines[edited].replacingOccurrences(of: "Adelie,Dream,", with: "Adelie,Atlantis,")
        try Self.write(lines, "atlantis.csv", in: folder)
        // A split seed that leaves the one Atlantis row out of the training split (the note lists
        // the levels fitted); with levels fitted on the whole file there is none, and no note.
        var leftOut = false
        for seed in 0..<20 where !leftOut {
            let notes = try Self.train("atlantis.csv", ["--label-column", "species", "--missing", "mean", "--split-seed", String(seed)], in: folder)
            leftOut = !notes.contains("Atlantis")
        }
        let run = try runLRFind(["predict", "m.st", "--data", "atlantis.csv", "--output", "p.csv"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error == (leftOut ? "lrfind: note: atlantis.csv: column 'island' has a level the model was not trained on, encoded as all zeros: 'Atlantis' (1 row)\n" : ""))
        #expect(run.output.hasPrefix("predicted 344 rows of atlantis.csv with m.st into p.csv\nlabels: loss "))
    }

    @Test func metadataTextIsCutInErrorsAndNotes() throws {
        let folder = scratchDirectory()
        try Self.train(Fixtures.iris, in: folder)
        // A model spec of 15,000 characters (an error that quotes it whole, three times, still fits
        // the pipe runLRFind reads after stdout): the error quotes 60 characters of it.
        try Self.rewrite(in: folder, to: "spec.st") { $0["model"] = "dense:" + String(repeating: "9", count: 15_000) }
        let spec = try runLRFind(["predict", "spec.st", "--data", Fixtures.iris], in: folder)
        #expect(spec.status == 1)
        #expect(spec.error.hasPrefix("lrfind: error: spec.st: metadata 'model': item 'dense:\(String(repeating: "9", count: 54))...': "), "\(spec.error.prefix(300))")
        #expect(spec.error.count < 600, "\(spec.error.count) characters")
        // A level of 30,000 characters in training (whose note on stderr quotes it whole: more would
        // fill the pipe runLRFind reads after stdout), a level the model does not know in new
        // data: the note quotes the new one, cut, and not the levels the model knows.
        let huge = String(repeating: "h", count: 30_000)
        try Self.write(["x,c,label"] + (0..<40).map { "\($0 % 7),\(["a", huge][$0 % 2]),\($0 % 2)" }, "train.csv", in: folder)
        try Self.train("train.csv", ["--split", "0.8,0.1,0.1"], in: folder)
        try Self.write(["x,c,label", "1,\(huge)z,1", "2,a,0"], "new.csv", in: folder)
        let level = try runLRFind(["predict", "m.st", "--data", "new.csv", "--output", "p.csv"], in: folder)
        #expect(level.status == 0, "\(level.error.prefix(300))")
        #expect(level.error == "lrfind: note: new.csv: column 'c' has a level the model was not trained on, encoded as all zeros: '\(String(repeating: "h", count: 60))...' (1 row)\n")
    }

    @Test func controlCharactersPastTheFirst4KiBAreEscaped() throws {
        let folder = scratchDirectory()
        // 500 rows of about 13 bytes: the classes ESC[31mred and a quoted line break from row 350
        // on, and a terminal title sequence as a level at the end, all after the first 4 KiB
        // (where they would make the file binary).
        let red = "\u{1B}[31mred", title = "\u{1B}]0;owned\u{7}"
        let rows = (0..<500).map { row in
            let label = row < 350 ? ["a", "b"][row % 2] : ["a", "b", red, "\"new\nline\""][row % 4]
            return String(format: "%.6f,", Double(row) / 500) + ["p", "q"][row % 2] + "," + label
        }
        try Self.write(["x,c,label"] + rows, "train.csv", in: folder)
        try Self.train("train.csv", in: folder)
        try Self.write(["x,c,label"] + rows + ["0.5,\(title),a"], "new.csv", in: folder)
        func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar != "\n" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) }
        // The CSV: a header and a line per row; the classes escaped in it, in the table and the matrix.
        let run = try runLRFind(["predict", "m.st", "--data", "train.csv"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(!run.output.unicodeScalars.contains(where: isControl))
        #expect(!run.error.unicodeScalars.contains(where: isControl))
        let csv = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(csv.count == 502 && csv[0] == "class,p(\\u{1b}[31mred),p(a),p(b),p(new\\u{a}line)", "\(csv[0])")
        #expect(run.error.contains("\nnew\\u{a}line  ") && run.error.contains("\n\\u{1b}[31mred  "))
        // The note on a level of new data.
        let new = try runLRFind(["predict", "m.st", "--data", "new.csv"], in: folder)
        #expect(new.status == 0, "\(new.error)")
        #expect(!new.output.unicodeScalars.contains(where: isControl) && !new.error.unicodeScalars.contains(where: isControl))
        #expect(new.error.hasPrefix("lrfind: note: new.csv: column 'c' has a level the model was not trained on, encoded as all zeros: '\\u{1b}]0;owned\\u{7}' (1 row)\n"))
    }

    /// Training prints the same names: the first table line's class list, the one-hot note and the
    /// report escape them too (and a long level is cut in the note).
    @Test func trainingEscapesClassesAndLevelsPastTheFirst4KiB() throws {
        let folder = scratchDirectory()
        let red = "\u{1B}[31mred", long = String(repeating: "L", count: 5000)
        let rows = (0..<500).map { row in
            let level = row < 350 ? ["p", "q"][row % 2] : ["p", "q", "\u{1B}[2J", long][row % 4]
            let label = row < 350 ? ["a", "b"][row % 2] : ["a", "b", red][row % 3]
            return String(format: "%.6f,", Double(row) / 500) + level + "," + label
        }
        try Self.write(["x,c,label"] + rows, "train.csv", in: folder)
        let run = try runLRFind(["train", "--data", "train.csv", "--model", "dense:8,relu", "--epochs", "2", "--categorical", "c", "--no-plot"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar != "\n" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)) }
        #expect(!run.output.unicodeScalars.contains(where: isControl), "\(run.output)")
        #expect(!run.error.unicodeScalars.contains(where: isControl), "\(run.error)")
        #expect(run.output.contains(", labels \\u{1b}[31mred, a, b as classes 0-2"), "\(run.output)")
        let note = try #require(run.error.split(separator: "\n").first { $0.contains("one-hot encoded column 'c'") })
        #expect(note.contains("\\u{1b}[2J") && note.contains(String(repeating: "L", count: 60) + "...") && note.count < 300, "\(note)")
    }
}
