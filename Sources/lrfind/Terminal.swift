import Foundation
import LRFinder

/// Writing to the terminal: notes and the progress bar on stderr, results on stdout.
enum Terminal {
    /// Whether stderr is a terminal (progress bars are drawn only then).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// One line on stderr.
    static func note(_ text: String) {
        write(text + "\n")
    }

    /// Text on stderr without a newline, written whole (resuming after partial writes and
    /// interrupts). A failure is dropped, not a crash: there is nowhere left to report it, and
    /// the exit code still says how the run ended.
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

/// The results on standard output: C stdio's `stdout` stream, as the standard library's `print`
/// writes it (so the order with ``AtomicFile``'s writes through descriptor 1 holds), with the
/// first failure kept, so that a run whose results did not arrive fails (exit 1) instead of
/// exiting 0 (a full disk, `> /dev/full`).
enum StandardOutput {
    /// The `errno` of the first failed write, if any.
    nonisolated(unsafe) private static var failure: Int32?

    /// Writes `text` (buffered: a failure may show only at a later write or at ``finish()``).
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, fwrite(start, 1, bytes.count, stdout) < bytes.count, failure == nil else { return }
            failure = errno
        }
    }

    /// Flushes the stream.
    /// - Throws: `RunError` `cannot write standard output: REASON` when a write failed.
    static func finish() throws {
        if fflush(stdout) != 0, failure == nil { failure = errno }
        // A flush elsewhere (``AtomicFile``'s, before it writes through descriptor 1) failed:
        // only the stream's error flag is left to tell.
        if ferror(stdout) != 0, failure == nil { failure = EIO }
        if let failure { throw RunError("cannot write standard output: \(String(cString: strerror(failure)))") }
    }
}

/// The standard library's `print`, for every `print` of this module, through
/// ``StandardOutput`` so that a failed write of the results is not ignored.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    StandardOutput.write(items.map { String(describing: $0) }.joined(separator: separator) + terminator)
}

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is
/// not a terminal.
struct ProgressBar {
    let label: String
    let total: Int
    let enabled: Bool
    private var lastDraw: UInt64 = 0

    init(label: String, total: Int, enabled: Bool = true) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled && Terminal.stderrIsTerminal
    }

    mutating func update(_ done: Int, detail: String = "") {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard done >= total || now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        Terminal.write("\r\(label) [\(bar)] \(done)/\(total) \(detail)\u{1B}[K")
    }

    func finish() {
        guard enabled else { return }
        Terminal.write("\r\u{1B}[K")
    }
}

/// Ctrl-C (SIGINT) and SIGTERM. `install()`, first thing in `main`, catches both; until a
/// command that can stop cleanly calls `stopAfterTheCurrentBatch()`, a signal ends the process
/// at once (exit code 128 + the signal: 130, 143). After that call, the first signal asks the
/// running job to stop after the current batch and save what it recorded (the command then
/// exits with that code, quietly); a second one ends the process at once. Ending at once
/// first removes the temporary file of a save in progress (``TemporaryFiles``), so that no
/// hidden `.NAME.PID.RANDOM.tmp` is left beside the output.
enum Interrupt {
    nonisolated(unsafe) private static var count: sig_atomic_t = 0
    nonisolated(unsafe) private static var firstSignal: sig_atomic_t = 0
    nonisolated(unsafe) private static var deferred: sig_atomic_t = 0

    /// Whether a signal asked the job to stop.
    static var requested: Bool { count > 0 }

    /// The exit code of a run stopped by a signal: 130 for SIGINT, 143 for SIGTERM.
    static var exitStatus: Int32 { 128 + firstSignal }

    /// Installs the SIGINT and SIGTERM handlers and unblocks both signals (a parent may start us
    /// with them blocked).
    static func install() {
        count = 0
        firstSignal = 0
        deferred = 0
        // The handler must not allocate: the temporary files' names are allocated now.
        TemporaryFiles.prepare()
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&set, number)
            signal(number) { number in
                Interrupt.count += 1
                if Interrupt.count == 1 { Interrupt.firstSignal = number }
                if Interrupt.deferred == 0 || Interrupt.count > 1 {
                    // Ending now: remove a save's temporary file (unlink only), then exit.
                    TemporaryFiles.removeAll()
                    _exit(128 + number)
                }
            }
        }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// From now on the first signal only sets `requested`: the running job polls it before
    /// every batch, stops and saves what it recorded.
    static func stopAfterTheCurrentBatch() {
        deferred = 1
    }
}

/// A failed run (exit code 1) with a one-line message.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// JSON with sorted keys and non-finite numbers as `null` (``JSONDocument``), for `--json` and
/// `--record`.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try JSONDocument.encode(value), as: UTF8.self)
}
