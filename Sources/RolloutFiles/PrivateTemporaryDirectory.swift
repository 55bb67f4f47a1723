import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder of this process's own under the system's temporary folder (mode 0700, a fresh name),
/// for uploads and extracted workbook parts: other accounts of the machine can neither list nor
/// read it, and ``remove()`` deletes it with everything in it.
public struct PrivateTemporaryDirectory: Sendable {
    /// Where the folder is.
    public let url: URL

    /// Makes a new private folder (mkdtemp).
    public init() throws {
        var template = Array((NSTemporaryDirectory() + "/rollout-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw RolloutTempError.cannotCreate(String(cString: strerror(errno))) }
        url = URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, isDirectory: true)
    }

    /// A new, empty file in the folder, readable and writable by its owner only (0600).
    public func file(_ name: String) throws -> PrivateFile {
        let path = url.appendingPathComponent(name).path
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RolloutTempError.cannotCreate(String(cString: strerror(errno))) }
        close(fd)
        return PrivateFile(url: URL(fileURLWithPath: path))
    }

    /// Deletes the folder and what is in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A file made by ``PrivateTemporaryDirectory/file(_:)``.
public struct PrivateFile: Sendable {
    /// Where the file is.
    public let url: URL

    /// A handle that writes the file from its start.
    public func openForWriting() throws -> FileHandle { try FileHandle(forWritingTo: url) }
}

/// The temporary folder or file could not be made (a full or read-only disk).
public enum RolloutTempError: Error, CustomStringConvertible {
    case cannotCreate(String)
    /// What failed, in words: the system's reason after `cannot create a temporary file:`.
    public var description: String {
        switch self { case .cannotCreate(let why): "cannot create a temporary file: \(why)" }
    }
}
