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
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AdFileError.cannotOpen(path)
        }
        defer { try? handle.close() }
        let first = (try? handle.read(upToCount: 4096)) ?? Data()
        var reader = AdRecordReader(format: AdRecordReader.format(name: path, firstBytes: first))
        var report = AdFileReport()
        func take(_ results: [Result<AdRecord, AdLineError>]) throws {
            for result in results {
                switch result {
                case .success(let record):
                    report.records += 1
                    if AdText.isCapped(record.text) { report.capped.append(record.line) }
                    try each(record)
                case .failure(let error):
                    report.errors.append(error)
                }
            }
        }
        try take(reader.feed(first))
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try take(reader.feed(chunk))
        }
        try take(reader.finish())
        return report
    }

    /// `waypoint ads cluster`'s work, without a database: every ad's id and cluster (nil alone).
    public static func cluster(_ path: String) throws -> (ids: [String], clusters: AdClusters, report: AdFileReport) {
        let clusterer = AdClusterer()
        var ids: [String] = []
        var texts: [String] = []
        func flush() {
            for sketch in AdClusterer.sketches(texts) { clusterer.add(sketch) }
            texts.removeAll(keepingCapacity: true)
        }
        let report = try read(path) { record in
            ids.append(record.id)
            texts.append(record.text)
            if texts.count == 20_000 { flush() }
        }
        flush()
        return (ids, clusterer.cluster(), report)
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
