import ArgumentParser
import Foundation
import LRFinder

/// The worker processes of `lrfind sweep`: N long-lived `lrfind worker --threads T` children,
/// each fed one job at a time on its standard input, in the order of the jobs; their replies are
/// read as they arrive on their standard output. `--jobs 1` runs the same path with one worker,
/// so results equal bit for bit whatever the number of workers (same binary, threads, kernels).
///
/// Ctrl-C or SIGTERM (``Interrupt/requested``): no job is handed out any more, each worker's
/// input is closed and it is sent SIGTERM (it ends at once, losing its run in flight), replies
/// already written are still read, and ``run(_:finished:tick:)`` returns `false`.
final class WorkerPool {
    /// A finished job.
    struct Finished {
        /// Its index in the jobs.
        var job: Int
        /// The run's record.
        var record: TrainingRecord
        /// The worker that ran it, from 1.
        var worker: Int
        /// When it started in the worker, and its wall time there.
        var started: Date
        var seconds: Double
    }

    /// One child process and its pipes.
    private struct Child {
        var pid: pid_t
        /// The write end of its standard input (-1 once closed).
        var input: Int32
        /// The read end of its standard output (-1 at its end).
        var output: Int32
        /// What it wrote after its last full line.
        var pending: [UInt8] = []
        /// The job it runs.
        var job: Int?
    }

    private var children: [Child] = []

    /// Starts `count` workers with `threads` BLAS threads each.
    /// - Throws: `RunError` when a process cannot be started.
    init(count: Int, threads: Int) throws {
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        // A worker that ends early must not end this process with SIGPIPE when it is written to:
        // the write fails with EPIPE instead (restored in `finish`).
        signal(SIGPIPE, SIG_IGN)
        for _ in 0..<count {
            children.append(try Self.spawn(executable, arguments: ["worker", "--threads", String(threads)]))
        }
    }

    deinit { finish() }

    /// What ``run(next:finished:tick:)`` asks for when a worker is free.
    enum Offer {
        /// The job with this number (the caller's), and its recipe.
        case job(Int, TrainingRecipe)
        /// Nothing now; ask again later (the runs left are another process's for now).
        case wait
        /// Nothing any more.
        case done
    }

    /// Runs the jobs `next` offers as workers become free, calls `finished` for each reply as it
    /// arrives and `tick` about five times a second (a waiting free worker asks `next` again then).
    /// Returns false when a signal stopped it.
    /// - Throws: a worker's error (`ValidationError` for a recipe that cannot run, `RunError`
    ///   otherwise), an error of `next`, `finished` or `tick`, or `RunError` when a worker ended unasked.
    func run(next: () throws -> Offer, finished: (Finished) throws -> Void, tick: () throws -> Void) throws -> Bool {
        var exhausted = false
        var stopping = false
        defer { finish() }
        func handOut(to index: Int) throws {
            guard !stopping, !exhausted, children[index].input >= 0, children[index].job == nil else { return }
            let number: Int, recipe: TrainingRecipe
            switch try next() {
            case .job(let offered, let offeredRecipe): (number, recipe) = (offered, offeredRecipe)
            case .wait: return
            case .done:
                exhausted = true
                return
            }
            let line = try JSONDocument.encode(WorkerJob(recipe), prettyPrinted: false)
            guard FileDescriptorIO.writeAll([UInt8](line) + [UInt8(ascii: "\n")], to: children[index].input) else {
                throw RunError("sweep worker \(index + 1) stopped taking jobs (\(String(cString: strerror(errno))))")
            }
            children[index].job = number
        }
        for index in children.indices { try handOut(to: index) }
        while children.contains(where: { $0.job != nil }) || (!exhausted && !stopping && !Interrupt.requested) {
            if Interrupt.requested && !stopping {
                stopping = true
                for index in children.indices {
                    closeInput(index)
                    kill(children[index].pid, SIGTERM)
                }
            }
            var polled = children.map { pollfd(fd: $0.output, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), 200)
            if ready < 0 && errno != EINTR { throw RunError("sweep: waiting for the workers failed: \(String(cString: strerror(errno)))") }
            for index in children.indices where polled[index].fd >= 0 && polled[index].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let count = read(children[index].output, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    close(children[index].output)
                    children[index].output = -1
                    if let job = children[index].job {
                        children[index].job = nil
                        if !stopping && !Interrupt.requested {
                            throw RunError("sweep worker \(index + 1) ended during run \(job + 1) (\(Self.status(of: &children[index].pid)))")
                        }
                    }
                    continue
                }
                children[index].pending += buffer[0..<count]
                while let newline = children[index].pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Data(children[index].pending[..<newline])
                    children[index].pending.removeSubrange(...newline)
                    guard let job = children[index].job else { continue }
                    children[index].job = nil
                    let reply: WorkerReply
                    do { reply = try JSONDocument.decode(WorkerReply.self, from: line) } catch {
                        throw RunError("sweep worker \(index + 1): a reply that is not one (\(error))")
                    }
                    guard let record = reply.record else {
                        let message = "run \(job + 1): \(reply.message ?? "failed")"
                        throw reply.usage == true ? ValidationError(message) as Error : RunError(message)
                    }
                    try finished(Finished(job: job, record: record, worker: index + 1,
                                          started: Date(timeIntervalSince1970: reply.started ?? 0), seconds: reply.seconds ?? 0))
                    try handOut(to: index)
                }
            }
            try tick()
            for index in children.indices { try handOut(to: index) }
        }
        return !stopping && !Interrupt.requested
    }

    /// Closes every worker's input (a worker ends at the end of its input), sends SIGTERM to
    /// any still running a job, waits for all, and restores SIGPIPE.
    func finish() {
        for index in children.indices {
            closeInput(index)
            if children[index].job != nil { kill(children[index].pid, SIGTERM) }
        }
        for index in children.indices {
            if children[index].output >= 0 { close(children[index].output) }
            children[index].output = -1
            _ = Self.status(of: &children[index].pid)
        }
        children = []
        signal(SIGPIPE, SIG_DFL)
    }

    private func closeInput(_ index: Int) {
        if children[index].input >= 0 { close(children[index].input) }
        children[index].input = -1
    }

    /// Waits for the process `pid` (once: `pid` is then 0) and describes how it ended.
    private static func status(of pid: inout pid_t) -> String {
        guard pid > 0 else { return "ended" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(signal)"
    }

    /// Starts `executable arguments` with pipes on its standard input and output; its standard
    /// error is this process's. Both pipes' ends kept here are close-on-exec, so that no other
    /// worker holds them (a closed input must reach its worker as the end of its input).
    private static func spawn(_ executable: String, arguments: [String]) throws -> Child {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw RunError("sweep: cannot make a pipe for a worker: \(String(cString: strerror(errno)))")
        }
        for descriptor in [input[1], output[0]] { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, input[0])
        posix_spawn_file_actions_addclose(&actions, output[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and the default SIGPIPE, SIGINT and SIGTERM.
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        sigemptyset(&empty)
        for number in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(input[0])
        close(output[1])
        guard result == 0 else {
            close(input[1])
            close(output[0])
            throw RunError("sweep: cannot start a worker (\(executable)): \(String(cString: strerror(result)))")
        }
        return Child(pid: pid, input: input[1], output: output[0])
    }

    /// The processors this process may use: its affinity mask (`taskset`, or SLURM with its
    /// affinity or cgroup plugin), read from `Cpus_allowed_list` in /proc/self/status (`0-3,8`),
    /// and no more than a SLURM job's CPUs on this node (`SLURM_CPUS_ON_NODE`), which holds even
    /// where SLURM binds no processors (`TaskPlugin=task/none`).
    static func availableProcessors() -> Int {
        let allowed = affinityProcessors()
        if let slurm = ProcessInfo.processInfo.environment["SLURM_CPUS_ON_NODE"].flatMap({ Int($0) }), slurm >= 1 {
            return min(allowed, slurm)
        }
        return allowed
    }

    /// The processors of this process's affinity mask; the online processors when it cannot be read.
    private static func affinityProcessors() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            return ProcessInfo.processInfo.activeProcessorCount
        }
        var count = 0
        for item in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = item.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let first = bounds.first else { continue }
            count += (bounds.last ?? first) - first + 1
        }
        return count >= 1 ? count : ProcessInfo.processInfo.activeProcessorCount
    }
}
