import ArgumentParser
import Foundation
import LRFinder
import LRPlot

/// The files a command reads and writes, checked together in its `validate()`, before any work
/// (a usage error, exit code 2, one line naming the option and the path): every output's
/// folder and target (``OutputDestination``), a plot's image format, that no output lands on an
/// input or on another output, and that none lands on standard output beside the `--json`
/// document. `-` as an output, where allowed, is standard output; `-` as an input is standard input.
struct OutputPaths {
    private let inputs: [(label: String, path: String)]
    private let json: Bool
    private var outputs: [(option: String, path: String, destination: OutputDestination)] = []

    /// Paths checked against the inputs named by `inputs` (option or description, path; nil
    /// paths are skipped, `-` is the file open as standard input, if it is one); `json`: the
    /// command prints its `--json` document on standard output, which no output may then share.
    init(inputs: [(label: String, path: String?)] = [], json: Bool = false) {
        self.inputs = inputs.compactMap { label, path in path.map { (label, $0) } }
        self.json = json
    }

    /// Checks the output `path` of `option` (nothing when nil).
    /// - Parameters:
    ///   - image: a plot: its extension must name a format LRPlot draws.
    ///   - standardOutput: `-` means standard output (else it is a file named `-`).
    ///   - isDefault: `path` is the option's default, not given: named as such, with the way out.
    mutating func output(_ path: String?, option: String, image: Bool = false, standardOutput: Bool = false,
                         isDefault: Bool = false) throws {
        guard let path else { return }
        func takenByJSON() -> ValidationError {
            ValidationError("\(option) \(path): standard output takes the --json document; give \(option) FILE or drop --json")
        }
        if standardOutput && path == "-" {
            if json { throw takenByJSON() }
            return
        }
        let destination: OutputDestination
        do { destination = try OutputDestination(path) } catch {
            throw ValidationError("\(option): \(error)" + (isDefault ? " (the default; give \(option) FILE or --no-plot)" : ""))
        }
        if json && destination.kind == .descriptor(STDOUT_FILENO) { throw takenByJSON() }
        func clash(with other: String, _ otherPath: String) -> ValidationError {
            let otherPath = otherPath == "-" ? "'-' (standard input)" : "'\(otherPath)'"
            return ValidationError(isDefault
                ? "\(option): the default '\(path)' is the same file as \(other) \(otherPath); give \(option) FILE or --no-plot"
                : "\(option): '\(path)' is the same file as \(other) \(otherPath)")
        }
        if let input = inputs.first(where: { $0.path == "-" ? destination.replaces(fileOpenAs: STDIN_FILENO) : destination.replaces($0.path) }) {
            throw clash(with: input.label, input.path)
        }
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
        try write(to: path) { $0.append(text) }
    }

    /// Writes what `produce` appends to the output `path` (standard output for `-`) through
    /// ``AtomicFile``; a failure on `-` names standard output.
    static func write(to path: String, _ produce: (AtomicFile.Writer) throws -> Void) throws {
        do { try AtomicFile.write(to: destination(path), produce) } catch let error as AtomicFile.WriteError where path == "-" {
            throw AtomicFile.WriteError(path: "standard output", reason: error.reason)
        }
    }
}
