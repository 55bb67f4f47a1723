import Foundation
import NIOConcurrencyHelpers
import RolloutCore

/// Reads a file on its own thread and hands its rows over in chunks, at most two chunks ahead of
/// the consumer, so memory stays bounded whatever the file's size. One consumer calls ``next()``.
final class RowChannel: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<[(Int, [String])], any Error>.AsyncIterator
    /// Two chunks' room ahead of the consumer. Made at 0 and given its room by signals: libdispatch
    /// stops the process when a semaphore is freed below the value it was made with, which is where
    /// one ends when the reader had run ahead of a consumer that gave up early (too many errors).
    private let space: DispatchSemaphore = {
        let s = DispatchSemaphore(value: 0)
        s.signal(); s.signal()
        return s
    }()
    private let cancelled = ManagedFlag()
    /// How much of the file has been read.
    let read = ReadProgress()
    /// The most cells a chunk holds (about 10 MB of empty strings).
    static let cellsPerChunk = 200_000

    init(file: URL, kind: ImportKind, chunkSize: Int, limits: Limits) {
        let (stream, continuation) = AsyncThrowingStream<[(Int, [String])], any Error>.makeStream()
        iterator = stream.makeAsyncIterator()
        let (space, cancelled, read) = (self.space, self.cancelled, self.read)
        let thread = Thread {
            var buffer: [(Int, [String])] = []
            var cellsInBuffer = 0
            var dateColumns = Set<Int>()
            var sawHeader = false
            let dates = kind.columns.filter(\.isDate)
            do {
                try TableReader.rows(of: file, limits: limits, dateColumns: { dateColumns.contains($0) }, read: read) { number, cells in
                    if cancelled.isSet { throw CancellationError() }
                    if !sawHeader {
                        sawHeader = true
                        for (i, c) in cells.enumerated() {
                            let name = c.trimmedSpaces
                            if dates.contains(where: { $0.code == name.lowercased() || $0.chinese == name }) { dateColumns.insert(i) }
                        }
                    }
                    buffer.append((number, cells))
                    // A chunk ends at its rows or at its cells, whichever comes first: wide rows
                    // (a cell at XFD makes 16,384) must not fill memory before a row is checked.
                    cellsInBuffer += cells.count
                    if buffer.count >= chunkSize || cellsInBuffer >= RowChannel.cellsPerChunk {
                        cellsInBuffer = 0
                        space.wait()
                        continuation.yield(buffer)
                        buffer = []
                    }
                }
                if !buffer.isEmpty { space.wait(); continuation.yield(buffer) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next chunk of rows, or nil at the end.
    func next() async throws -> [(Int, [String])]? {
        let chunk = try await iterator.next()
        space.signal()
        return chunk
    }

    /// Stops the reading thread (when the consumer gives up early).
    func cancel() {
        cancelled.set()
        space.signal()
        space.signal()
    }
}

/// A flag set from one thread and read from another.
final class ManagedFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { value.withLockedValue { $0 = true } }
    var isSet: Bool { value.withLockedValue { $0 } }
}
