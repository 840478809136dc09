import ArgumentParser
import Foundation
import LRFinder

/// `lrfind merge J1 J2 ... --output J`: the journals of one sweep (its shards', say) combined into
/// one journal, each run kept once, that `lrfind report` and `lrfind sweep --resume` read.
struct Merge: ParsableCommand {
    /// The command's name, help and example.
    static let configuration = CommandConfiguration(
        abstract: "Combine the journals of one sweep (its shards') into one journal.",
        discussion: """
            Each run is kept once, from its earliest line. A run two journals both hold counts as a duplicate when their \
            results are the same (timings aside), and as a conflict, noted on stderr, when they differ; the earliest is kept \
            either way. Journals of another sweep, other data or another format are refused. The output holds the first \
            journal's header, the range test and the runs in sweep order, without claims: `lrfind report` redraws it. \
            Example: lrfind merge shard1.jsonl shard2.jsonl --output sweep.jsonl
            """)

    /// The journals to merge, the first one's header kept.
    @Argument(help: ArgumentHelp("The journals `lrfind sweep --journal` wrote.", valueName: "journal"))
    var journals: [String] = []

    /// The merged journal.
    @Option(name: .long, help: ArgumentHelp("The merged journal: a new file.", valueName: "file"))
    var output: String

    /// `--json`.
    @OptionGroup(title: "Output") var results: JSONOutput

    /// Checks the journals' and the output's paths before any work: a usage error (exit 2).
    func validate() throws {
        guard !journals.isEmpty else { throw ValidationError("give the journals to merge: lrfind merge J1 J2 ... --output FILE") }
        // A journal given twice would count all its runs as duplicates.
        var seen: [(path: String, file: [UInt64]?)] = []
        for journal in journals {
            var info = stat()
            let file = stat(journal, &info) == 0 ? [UInt64(info.st_dev), UInt64(info.st_ino)] : nil
            if let earlier = seen.first(where: { $0.path == journal || (file != nil && $0.file == file) }) {
                throw ValidationError("JOURNAL '\(journal)' is the same file as JOURNAL '\(earlier.path)'; give each journal once")
            }
            seen.append((journal, file))
        }
        if output == "-" { throw ValidationError("--output -: the merged journal is a file; give --output FILE") }
        var paths = OutputPaths(inputs: journals.map { ("JOURNAL", $0) }, json: results.json)
        try paths.output(output, option: "--output")
        // As sweep's --journal: a journal that exists is never replaced.
        if let size = try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int, size > 0 {
            throw ValidationError("--output \(output) exists; give another file")
        }
    }

    /// Reads the journals, merges them, writes the output and prints the summary.
    func run() throws {
        // Reading and deciding: a journal that is not one of this sweep is the user's input (exit 2).
        let merge: SweepMerge
        do {
            let read = try journals.map(SweepMerge.Journal.init(reading:))
            for note in read.flatMap(\.contents.notes) { Terminal.note("lrfind: note: \(note)") }
            merge = try SweepMerge(read)
        } catch let error as DataError {
            throw ValidationError(error.description)
        }
        for conflict in merge.conflicts { Terminal.note("lrfind: note: \(conflict)") }
        try merge.write(to: output)

        if results.json {
            print(try jsonText(Document(experiment: merge.header.definitionIdentifier, inputs: journals, output: output,
                                        runsKept: merge.runLines.count, runCount: merge.runCount, rangeTest: merge.rangeTestLine != nil,
                                        duplicates: merge.duplicateCount, conflicts: merge.conflicts)))
        } else {
            print("merged \(Self.count(journals.count, "journal")): \(merge.runLines.count) of the sweep's \(merge.runCount) runs"
                + (merge.rangeTestLine == nil ? "" : " and its range test")
                + " (\(Self.count(merge.duplicateCount, "duplicate")), \(Self.count(merge.conflicts.count, "conflict"))) into \(output)")
        }
    }

    /// `--json`.
    private struct Document: Encodable {
        /// The sweep's definition identifier.
        var experiment: String
        /// The journals merged, and the merged journal.
        var inputs: [String]
        var output: String
        /// The runs the merged journal holds, of the sweep's.
        var runsKept: Int
        var runCount: Int
        /// Whether it holds the range test.
        var rangeTest: Bool
        /// The run lines dropped as the same as an earlier one, and those dropped although they differ.
        var duplicates: Int
        var conflicts: [SweepMerge.Conflict]
    }

    /// `1 journal`, `2 journals`.
    private static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
