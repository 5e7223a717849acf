import Foundation
import WaypointCore

/// What reading an ads file found: the bad lines (every one, in order) and how many texts were cut.
public struct AdFileReport: Sendable {
    public var records = 0
    public var errors: [AdLineError] = []
    public var capped: [Int] = []
}

/// Reads an ads file (CSV or JSON Lines) a megabyte at a time and hands each good record on.
public enum AdFiles {
    public static func read(_ path: String, each: (AdRecord) throws -> Void) throws -> AdFileReport {
        var stream = try AdRecordStream(path: path)
        return try read(&stream, each: each)
    }

    /// The same for bytes already in memory (a page upload).
    public static func read(data: Data, name: String, each: (AdRecord) throws -> Void) throws -> AdFileReport {
        var stream = AdRecordStream(data: data, name: name)
        return try read(&stream, each: each)
    }

    private static func read(_ stream: inout AdRecordStream, each: (AdRecord) throws -> Void) throws -> AdFileReport {
        var report = AdFileReport()
        while let results = try stream.next() {
            for result in results {
                switch result {
                case .success(let record):
                    report.records += 1
                    if AdText.isCapped(record.text) { report.capped.append(record.line) }
                    try each(record)
                case .failure(let error): report.errors.append(error)
                }
            }
        }
        return report
    }

    /// `waypoint ads cluster`'s work, without a database: every ad's id and cluster (nil alone).
    /// The file is read on a thread of its own while the ads already read are sketched on every core.
    public static func cluster(_ path: String) throws -> (ids: [String], clusters: AdClusters, report: AdFileReport) {
        let pipe = BatchPipe()
        let reader = Thread {
            var batch: [String] = []
            do {
                pipe.report = try read(path) { record in
                    pipe.ids.append(record.id)
                    batch.append(record.text)
                    if batch.count == 10_000 { pipe.put(batch); batch = [] }
                }
                pipe.put(batch)
            } catch {
                pipe.error = error
            }
            pipe.finish()
        }
        reader.stackSize = 1 << 22
        reader.start()
        let clusterer = AdClusterer()
        while let texts = pipe.take() {
            for sketch in AdClusterer.sketches(texts) { clusterer.add(sketch) }
        }
        if let error = pipe.error { throw error }
        return (pipe.ids, clusterer.cluster(), pipe.report)
    }
}

/// Batches of texts handed from the reading thread to the sketching one, at most two waiting (so
/// memory stays flat). The reader's results are read only after `take` returns nil.
private final class BatchPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[String]] = []
    private var finished = false
    var ids: [String] = []
    var report = AdFileReport()
    var error: (any Error)?

    func put(_ batch: [String]) {
        condition.lock()
        while batches.count >= 2 { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    func take() -> [String]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }
}

/// Records of a file or of bytes, a megabyte at a time, for callers that must await between batches.
public struct AdRecordStream {
    private let handle: FileHandle?
    private let data: Data?
    private var offset = 0
    private var reader: AdRecordReader
    private var finished = false

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw AdFileError.cannotOpen(path) }
        let first = (try? handle.read(upToCount: 4096)) ?? Data()
        try handle.seek(toOffset: 0)
        self.handle = handle
        self.data = nil
        reader = AdRecordReader(format: AdRecordReader.format(name: path, firstBytes: first))
    }

    public init(data: Data, name: String) {
        self.handle = nil
        self.data = data
        reader = AdRecordReader(format: AdRecordReader.format(name: name, firstBytes: data.prefix(4096)))
    }

    /// The next results (records and bad lines), nil at the end.
    public mutating func next() throws -> [Result<AdRecord, AdLineError>]? {
        guard !finished else { return nil }
        let chunk: Data
        if let handle {
            chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        } else {
            let end = min(data!.count, offset + (1 << 20))
            chunk = data!.subdata(in: data!.startIndex + offset..<data!.startIndex + end)
            offset = end
        }
        if chunk.isEmpty {
            finished = true
            try? handle?.close()
            return reader.finish()
        }
        return reader.feed(chunk)
    }
}

public enum AdFileError: Error, CustomStringConvertible {
    case cannotOpen(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path): "Cannot open \(path): check the path and that you may read it."
        }
    }
}

