import Foundation

/// The memory this process has used, as the kernel reports it.
public enum ProcessMemory {
    /// The peak resident set size in bytes (`getrusage(RUSAGE_SELF)`'s `ru_maxrss`, which Linux
    /// gives in kibibytes and macOS in bytes).
    public static var peakResidentBytes: Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }

    /// The address-space limit (`getrlimit(RLIMIT_AS)`'s soft limit, what `ulimit -v` sets, common
    /// on cluster nodes) in bytes; nil when there is none.
    public static var addressSpaceLimit: UInt64? {
        var limit = rlimit()
        #if os(Linux)
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else { return nil }
        #else
        guard getrlimit(RLIMIT_AS, &limit) == 0 else { return nil }
        #endif
        return limit.rlim_cur == rlim_t.max ? nil : UInt64(limit.rlim_cur)
    }

    /// The address space this process has mapped now, in bytes (`/proc/self/statm`'s first field,
    /// `VmSize`: code, stacks, heap and the BLAS library's buffers); nil where there is no `/proc`.
    public static var mappedBytes: UInt64? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ UInt64($0) }) else { return nil }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }

    /// The memory a process may allocate: the physical memory, or what the address-space limit
    /// leaves beside the address space already mapped when that is lower; and which of the two it
    /// is, for messages. Under `ulimit -v` every mapping counts (thread stacks, the BLAS
    /// library's buffers), so the limit alone would let an allocation past it end the process.
    public static var usableBytes: (bytes: UInt64, description: String) {
        let physical = ProcessInfo.processInfo.physicalMemory
        if let limit = addressSpaceLimit, limit < physical {
            let mapped = Swift.min(mappedBytes ?? 0, limit)
            let text = "this process's address-space limit (ulimit -v) of \(NumberText.bytes(limit))"
            return (limit - mapped, mapped > 0 ? text + " (\(NumberText.bytes(mapped)) of it mapped already)" : text)
        }
        return (physical, "this machine's \(NumberText.bytes(physical)) of physical memory")
    }

    /// The most bytes reserved ahead on a size hint (a file's size, a gzip trailer, an estimate of
    /// rows): a quarter of ``usableBytes``. A hint is only a hint: more room is taken as the bytes
    /// come, and an allocation larger than the process may have would end it.
    public static func reservation(_ bytes: Int) -> Int {
        Swift.max(0, Swift.min(bytes, Int(clamping: usableBytes.bytes / 4)))
    }

    /// Refuses to hold `bytes` of `file` in memory when they exceed ``usableBytes``.
    /// - Throws: ``DataError`` naming the file, the size and the limit.
    public static func checkFits(_ bytes: Int, file: String) throws {
        let (usable, limit) = usableBytes
        guard bytes > 0, UInt64(bytes) > usable else { return }
        throw DataError(file: file, message: "\(NumberText.bytes(bytes)) to hold in memory, more than \(limit); not read")
    }
}
