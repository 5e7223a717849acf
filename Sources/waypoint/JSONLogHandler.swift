import ArgumentParser
import Foundation
import Logging

/// One JSON object per line (`--log-format json`), for log collectors. It carries what the text
/// format carries — the request log holds route patterns, statuses and durations, never values.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var object: [String: String] = ["time": ISO8601DateFormatter().string(from: Date()), "level": level.rawValue,
                                        "label": label, "message": message.description]
        for (key, value) in metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }) where object[key] == nil {
            object[key] = value.description
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
