import Foundation
@_exported import TestFixtures

/// The built `lrfind` binary, beside the test bundle.
let lrfindBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lrfind")

/// Runs the built `lrfind` binary (beside the test bundle) with `arguments` in `directory` (the
/// test's own folder if nil) and `input`, if given, on its standard input; returns exit code,
/// stdout, stderr.
func runLRFind(_ arguments: [String], standardInput input: Data? = nil, in directory: URL? = nil) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = lrfindBinary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let stdin = Pipe(), output = Pipe(), error = Pipe()
    if input != nil { process.standardInput = stdin }
    process.standardOutput = output
    process.standardError = error
    try process.run()
    if let input {
        Thread.detachNewThread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
    }
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `lrfind arguments` in `folder` through a shell that sets `ulimit -v kilobytes` first
/// (an address-space limit, as on cluster nodes); returns exit code and stderr.
func runLRFind(limitedTo kilobytes: Int, _ arguments: [String], in folder: URL) throws -> (status: Int32, error: String) {
    try runWrapped("/bin/sh", ["-c", "ulimit -v \(kilobytes) && exec \"$@\"", "sh", lrfindBinary.path] + arguments, in: folder)
}

/// Runs `executable arguments` (a wrapper that starts `lrfind`) in `folder`, stdout discarded;
/// returns exit code and stderr.
func runWrapped(_ executable: String, _ arguments: [String], in folder: URL) throws -> (status: Int32, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let error = Pipe()
    process.standardError = error
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

/// A new, empty folder under the temporary directory.
func scratchDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lrfind-cli-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}


/// An `lrfind` process that a test watches while it runs: its stderr is read as it comes, so
/// that the test can wait for a sign of progress (a line) instead of for a fixed time.
final class RunningLRFind: @unchecked Sendable {
    /// What the process left: its exit status, how it ended, stdout and stderr.
    struct Outcome {
        let status: Int32
        let reason: Process.TerminationReason
        let output: String
        let error: String
    }

    let process = Process()
    private let lock = NSLock()
    private var errorBytes = Data()
    private var outputBytes = Data()
    private var errorClosed = false
    /// Signalled after every chunk of stderr and at its end.
    private let errorArrived = DispatchSemaphore(value: 0)
    private let readersDone = DispatchGroup()

    /// Starts `lrfind arguments` in `directory`.
    init(_ arguments: [String], in directory: URL) throws {
        process.executableURL = lrfindBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        read(output.fileHandleForReading) { [self] chunk in outputBytes.append(chunk) } atEnd: {}
        read(error.fileHandleForReading) { [self] chunk in
            errorBytes.append(chunk)
            errorArrived.signal()
        } atEnd: { [self] in
            errorClosed = true
            errorArrived.signal()
        }
    }

    /// Reads `handle` to its end on a thread of its own, handing each chunk to `take` under the lock.
    private func read(_ handle: FileHandle, take: @escaping (Data) -> Void, atEnd: @escaping () -> Void) {
        readersDone.enter()
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                lock.lock()
                if chunk.isEmpty { atEnd() } else { take(chunk) }
                lock.unlock()
                if chunk.isEmpty { break }
            }
            readersDone.leave()
        }.start()
    }

    /// Waits until stderr holds `text`; false when stderr ends first or after `deadline` seconds,
    /// a guard against a hang (the wait ends as soon as the line arrives).
    func waitForError(containing text: String, deadline seconds: Double) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while true {
            lock.lock()
            let (found, closed) = (String(decoding: errorBytes, as: UTF8.self).contains(text), errorClosed)
            lock.unlock()
            if found { return true }
            if closed || errorArrived.wait(timeout: deadline) == .timedOut { return false }
        }
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end and for its output to be read.
    func finish() -> Outcome {
        process.waitUntilExit()
        readersDone.wait()
        lock.lock()
        defer { lock.unlock() }
        return Outcome(status: process.terminationStatus, reason: process.terminationReason,
                       output: String(decoding: outputBytes, as: UTF8.self), error: String(decoding: errorBytes, as: UTF8.self))
    }
}
