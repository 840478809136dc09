import ArgumentParser
import Foundation
import LRFinder

/// `lrfind worker` (hidden): the long-lived child process of `lrfind sweep --jobs N`. Reads one
/// job per line on standard input (a recipe file's document on one line: ``WorkerJob``), runs it,
/// and writes one reply per line on standard output (``WorkerReply``: the record, or the error);
/// ends at the end of its input. A signal ends it at once (the run in flight is lost; the
/// parent keeps what finished), and so does the end of its parent.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run training recipes read from standard input, one per line (used by sweep).",
                                                    shouldDisplay: false)

    @Option(name: .long, parsing: .unconditional, help: "BLAS threads (the parent has clamped them).")
    var threads: Int = 1

    func run() throws {
        BLASRuntime.setThreadCount(max(threads, 1))
        let parent = getppid()
        let cache = PreparedDataCache()
        while let line = readLine(strippingNewline: true) {
            guard !line.isEmpty else { continue }
            let reply = Self.reply(to: line, cache: cache, stop: { getppid() != parent })
            // The parent went away: nobody reads the reply.
            if getppid() != parent { return }
            guard Self.writeLine(try JSONDocument.encode(reply, prettyPrinted: false)) else { return }
        }
    }

    /// Runs the job `line` describes, with the data prepared by the worker's earlier job when it
    /// is the same (`cache`); `stop` is polled before every batch.
    static func reply(to line: String, cache: PreparedDataCache? = nil, stop: () -> Bool) -> WorkerReply {
        do {
            let file = try RunFile.decode(Data(line.utf8), file: "job")
            guard case let .training(recipe) = file.recipe else {
                return WorkerReply(failure: "job: a worker runs training recipes, not \(file.recipe.kind.rawValue)", usage: false)
            }
            let started = Date()
            let clock = DispatchTime.now().uptimeNanoseconds
            let outcome = try recipe.locating(file.inputs).run(identifying: true, events: { _ in }, shouldStop: stop, dataCache: cache)
            return WorkerReply(record: outcome.record, started: started.timeIntervalSince1970,
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9)
        } catch let error as RecipeError {
            return WorkerReply(failure: error.description, usage: true)
        } catch let error as TaskInferenceError {
            return WorkerReply(failure: "\(error) with --task", usage: true)
        } catch {
            return WorkerReply(failure: String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)", usage: false)
        }
    }

    /// Writes `data` and a newline whole to standard output (descriptor 1, unbuffered); false
    /// when the reader is gone.
    static func writeLine(_ data: Data) -> Bool {
        var bytes = [UInt8](data)
        bytes.append(UInt8(ascii: "\n"))
        return FileDescriptorIO.writeAll(bytes, to: STDOUT_FILENO)
    }
}

/// One job for a worker: a recipe file's fields (``RunFile``'s `{kind, formatVersion, recipe,
/// inputs}`), written on one line.
struct WorkerJob: Encodable {
    var kind = RunKind.training
    var formatVersion = RunFile.formatVersion
    /// The recipe, without its paths.
    var recipe: TrainingRecipe
    /// Its paths.
    var inputs: RunInputs

    /// The job that runs `recipe`.
    init(_ recipe: TrainingRecipe) {
        self.recipe = recipe.locating(RunInputs())
        inputs = recipe.inputs
    }
}

/// A worker's reply to one job: `{"kind": "record", "record", "started", "seconds"}` or
/// `{"kind": "error", "message", "usage"}`.
struct WorkerReply: Codable {
    /// `record` or `error`.
    var kind: String
    /// The finished run's record.
    var record: TrainingRecord?
    /// When the job started (seconds since 1970) and its wall time in the worker.
    var started: Double?
    var seconds: Double?
    /// Why the job could not run; `usage`: the recipe cannot run (exit 2), else a failed run (exit 1).
    var message: String?
    var usage: Bool?

    /// A finished run.
    init(record: TrainingRecord, started: Double, seconds: Double) {
        kind = "record"
        (self.record, self.started, self.seconds) = (record, started, seconds)
    }

    /// A job that could not run.
    init(failure message: String, usage: Bool) {
        kind = "error"
        (self.message, self.usage) = (message, usage)
    }
}

/// Whole writes to a file descriptor, resumed after partial writes and interrupts.
enum FileDescriptorIO {
    /// Writes every byte of `bytes` to `descriptor`; false on a failure (a closed pipe: EPIPE).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}
