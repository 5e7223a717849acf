import Foundation

/// A file shipped in `WaypointCore/Resources` is missing or cannot be read.
public struct BundledResourceError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String

    public var description: String {
        "The bundled file Resources/\(file) \(reason). The installation is incomplete or damaged: reinstall Waypoint."
    }
}

/// The one way bundled content is loaded: each file once, on first use, with a typed error naming
/// it. `checkAll` loads every one at start-up, so a damaged installation stops with that message
/// instead of failing (or, worse, running without its password blocklist) in the middle of a request.
public enum BundledResources {
    /// Reads `Resources/<path>` and parses it; failures name the file.
    static func load<T>(_ path: String, _ parse: (Data) throws -> T) -> Result<T, BundledResourceError> {
        do {
            return .success(try parse(try data(path)))
        } catch let error as BundledResourceError {
            return .failure(error)
        } catch {
            return .failure(BundledResourceError(file: path, reason: "cannot be read (\(error))"))
        }
    }

    /// The bytes of `Resources/<path>`.
    static func data(_ path: String) throws -> Data {
        let parts = path.split(separator: "/").map(String.init)
        let name = parts.last ?? path
        let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        let subdirectory = (["Resources"] + parts.dropLast()).joined(separator: "/")
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: subdirectory) else {
            throw BundledResourceError(file: path, reason: "is missing")
        }
        do { return try Data(contentsOf: url) } catch { throw BundledResourceError(file: path, reason: "cannot be read (\(error))") }
    }

    /// Loads everything Waypoint ships. The server and the command line call this before anything else.
    public static func checkAll() throws {
        _ = try ZIPCentroids.loaded.get()
        _ = try DirectoryVocabulary.loaded.get()
        _ = try JurisdictionTable.loaded.get()
        _ = try PasswordPolicy.loadedBlocklist.get()
        _ = try InstrumentCatalog.loaded.get()
        _ = try IndicatorLibrary.loaded.get()
        _ = try Catalogs.loaded.get()
        _ = try RequirementCatalog.loaded.get()
        _ = try BuiltInCourses.loaded.get()
        _ = try ReportCatalog.loaded.get()
        _ = try NANPAreaCodes.loaded.get()
        _ = try Gazetteer.loaded.get()
        _ = try IndicatorLexicon.loaded.get()
        _ = try Nicknames.loaded.get()
        for name in BundledDirectory.files { _ = try BundledDirectory.load(name).get() }
    }
}

extension Result where Failure == BundledResourceError {
    /// The loaded value. `BundledResources.checkAll` has run at start-up, so a failure here means
    /// the files changed underneath a running process; stop with the file's name.
    var loadedValue: Success {
        switch self {
        case .success(let value): value
        case .failure(let error): fatalError(error.description)
        }
    }
}
