import Foundation
import LRFinder

/// Writing to the terminal: notes and the progress bar on stderr, results on stdout.
enum Terminal {
    /// Whether stderr is a terminal (progress bars are drawn only then).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// One line on stderr.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Text on stderr without a newline.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
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

/// Ctrl-C handling: the first interrupt asks the running job to stop and save what it has; a
/// second one ends the process at once.
enum Interrupt {
    nonisolated(unsafe) private static var count: sig_atomic_t = 0

    /// Whether Ctrl-C was pressed since `install()`.
    static var requested: Bool { count > 0 }

    /// Installs the SIGINT handler.
    static func install() {
        // A parent may start us with SIGINT blocked (Foundation's Process does): unblock it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        signal(SIGINT) { _ in
            Interrupt.count += 1
            if Interrupt.count > 1 { _exit(130) }
        }
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
