import ArgumentParser
import Foundation
import LRFinder
import LRPlot

/// The files a command reads and writes, checked together in its `validate()`, before any work
/// (a usage error, exit code 2, one line naming the option and the path): every output's
/// folder and target (``OutputDestination``), a plot's image format, and that no output lands
/// on an input or on another output. `-` as an output, where allowed, is standard output.
struct OutputPaths {
    private let inputs: [(label: String, path: String)]
    private var outputs: [(option: String, path: String, destination: OutputDestination)] = []

    /// Paths checked against the inputs named by `inputs` (option or description, path; nil
    /// paths and `-`, standard input, are skipped).
    init(inputs: [(label: String, path: String?)] = []) {
        self.inputs = inputs.compactMap { label, path in path.flatMap { $0 == "-" ? nil : (label, $0) } }
    }

    /// Checks the output `path` of `option` (nothing when nil).
    /// - Parameters:
    ///   - image: a plot: its extension must name a format LRPlot draws.
    ///   - standardOutput: `-` means standard output (else it is a file named `-`), which
    ///     `--json` (when `json`) already takes.
    ///   - isDefault: `path` is the option's default, not given: named as such, with the way out.
    mutating func output(_ path: String?, option: String, image: Bool = false, standardOutput: Bool = false,
                         json: Bool = false, isDefault: Bool = false) throws {
        guard let path else { return }
        if standardOutput && path == "-" {
            if json { throw ValidationError("\(option) -: standard output takes the --json document; give \(option) FILE or drop --json") }
            return
        }
        let destination: OutputDestination
        do { destination = try OutputDestination(path) } catch {
            throw ValidationError("\(option): \(error)" + (isDefault ? " (the default; give \(option) FILE or --no-plot)" : ""))
        }
        func clash(with other: String, _ otherPath: String) -> ValidationError {
            ValidationError(isDefault
                ? "\(option): the default '\(path)' is the same file as \(other) '\(otherPath)'; give \(option) FILE or --no-plot"
                : "\(option): '\(path)' is the same file as \(other) '\(otherPath)'")
        }
        if let input = inputs.first(where: { destination.replaces($0.path) }) { throw clash(with: input.label, input.path) }
        if let earlier = outputs.first(where: { destination.isSameFile(as: $0.destination) }) {
            throw clash(with: earlier.option, earlier.path)
        }
        if image {
            do { _ = try ImageFormat(path: path) } catch let PlotError.unknownFormat(_, ext) {
                throw ValidationError("\(option): unknown image format '\(ext.isEmpty ? "(no extension)" : "." + ext)' in '\(path)'; use .png, .svg or .pdf")
            }
        }
        outputs.append((option, path, destination))
    }

    /// Where an output path writes: standard output for `-`, else the path.
    static func destination(_ path: String) -> String { path == "-" ? "/dev/stdout" : path }

    /// Writes `text` to the output `path` (standard output for `-`) through ``AtomicFile``.
    static func write(_ text: String, to path: String) throws {
        try AtomicFile.write(Data(text.utf8), to: destination(path))
    }
}
