import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The peak resident memory of this process, from getrusage.
enum PeakMemory {
    /// The high-water mark of this program's own memory (VmHWM, in KB): unlike getrusage's
    /// figure, it does not include the memory of the process that started it (Linux counts the
    /// parent's pages in a child's `ru_maxrss` across exec).
    static func ownHighWaterKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).filter(\.isNumber))
        }
        return nil
    }

    /// Starts the high-water mark again from the memory in use now (Linux: `malloc_trim`, then `clear_refs` 5), so that
    /// ``ownHighWaterKB()`` is the peak of what follows; false where that cannot be done.
    @discardableResult
    static func resetHighWater() -> Bool {
        #if canImport(Glibc)
        // Memory let go stays resident in malloc's arena unless it is handed back first (glibc's
        // malloc_trim, which the Glibc module does not declare).
        if let trim = dlsym(nil, "malloc_trim") {
            _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        #endif
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// With ROLLOUT_PEAK_MEMORY_FILE set, writes ``ownHighWaterKB()`` to that file when the process exits
    /// (tests and benchmarks read it to bound a command's memory).
    static func reportAtExitIfAsked() {
        guard ProcessInfo.processInfo.environment["ROLLOUT_PEAK_MEMORY_FILE"] != nil else { return }
        atexit {
            guard let path = ProcessInfo.processInfo.environment["ROLLOUT_PEAK_MEMORY_FILE"], let kb = PeakMemory.ownHighWaterKB() else { return }
            FileManager.default.createFile(atPath: path, contents: Data("\(kb)\n".utf8))
        }
    }

    static func megabytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        #if os(Linux)
        return Int(usage.ru_maxrss) / 1024
        #else
        return Int(usage.ru_maxrss) / 1024 / 1024
        #endif
    }
}
