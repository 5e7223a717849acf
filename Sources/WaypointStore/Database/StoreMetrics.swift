import Metrics
import NIOConcurrencyHelpers

/// The store's metric handles, made once per label and dimensions instead of per call: asking the
/// metrics backend for a handle takes its registry lock and checks the names, which cost more per
/// request than the counting itself. `reset()` runs when the backend is installed, so handles made
/// before that (on the no-op backend) are not kept.
public enum StoreMetrics {
    private struct Handles {
        var counters: [String: Counter] = [:]
        var meters: [String: Meter] = [:]
        var recorders: [String: Recorder] = [:]
    }

    private static let handles = NIOLockedValueBox(Handles())

    static func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        cached(\.counters, cacheKey(label, dimensions)) { Counter(label: label, dimensions: dimensions) }
    }

    static func meter(_ label: String, _ dimensions: [(String, String)] = []) -> Meter {
        cached(\.meters, cacheKey(label, dimensions)) { Meter(label: label, dimensions: dimensions) }
    }

    static func recorder(_ label: String) -> Recorder {
        cached(\.recorders, label) { Recorder(label: label, aggregate: true) }
    }

    private static func cached<Handle>(_ kind: WritableKeyPath<Handles, [String: Handle]>, _ key: String, make: () -> Handle) -> Handle {
        handles.withLockedValue { handles in
            if let cached = handles[keyPath: kind][key] { return cached }
            let made = make()
            handles[keyPath: kind][key] = made
            return made
        }
    }

    /// Forgets every handle; the next use asks the (newly installed) backend again.
    public static func reset() {
        handles.withLockedValue { $0 = Handles() }
    }

    private static func cacheKey(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.reduce(label) { $0 + "\u{1}" + $1.0 + "\u{2}" + $1.1 }
    }
}
