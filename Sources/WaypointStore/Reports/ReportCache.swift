import NIOConcurrencyHelpers

/// Counts already computed, each with the dataset version it was computed at: a report asked for
/// again while the version has not moved is answered from memory. Bounded; the oldest entry goes first.
final class ReportCache: Sendable {
    static let capacity = 64
    private let entries = NIOLockedValueBox<(byKey: [String: (version: Int64, value: any Sendable)], order: [String])>(([:], []))

    func value<T: Sendable>(_ key: String, version: Int64, compute: () async throws -> T) async throws -> T {
        if let kept = entries.withLockedValue({ $0.byKey[key] }), kept.version == version, let value = kept.value as? T {
            return value
        }
        let value = try await compute()
        entries.withLockedValue { state in
            if state.byKey.updateValue((version, value), forKey: key) == nil { state.order.append(key) }
            while state.order.count > Self.capacity { state.byKey[state.order.removeFirst()] = nil }
        }
        return value
    }
}
