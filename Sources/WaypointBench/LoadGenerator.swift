import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WaypointCore

/// Closed-loop load: `connections` clients each send their next request as soon as the last one
/// answers, for `duration`. With a `rate` it is open-loop instead: together they send `rate`
/// requests a second on a fixed schedule, and a latency counts from when a request was due, so a
/// slow answer that delays the next request is not hidden. Latencies are kept whole so
/// percentiles are exact.
struct LoadGenerator {
    struct Result {
        let requests: Int
        let errors: Int
        let seconds: Double
        /// CPU time of this whole process (server and load generator together) over the run.
        let cpuSeconds: Double
        let latencies: [Double]   // milliseconds, sorted

        var perSecond: Double { Double(requests) / seconds }
        /// CPU milliseconds spent per answered request; with 2 cores busy, 2,000 / this is the ceiling in req/s.
        var cpuMillisPerRequest: Double { requests == 0 ? .nan : cpuSeconds * 1000 / Double(requests) }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            return latencies[min(latencies.count - 1, Int((p / 100 * Double(latencies.count)).rounded(.up)) - 1)]
        }
    }

    let client: HTTPClient
    let connections: Int
    let duration: Duration
    var rate: Double?

    func run(makeRequest: @escaping @Sendable () -> HTTPClientRequest, expect status: HTTPResponseStatus) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuAtStart = Self.processCPUSeconds()
        let deadline = start + duration
        let perWorker = await withTaskGroup(of: ([Double], Int).self) { group in
            let interval = rate.map { Double(connections) / $0 }
            for worker in 0..<connections {
                group.addTask {
                    var latencies: [Double] = []
                    var errors = 0
                    // Workers are staggered across one interval so the schedule is even.
                    var due = start + .seconds((interval ?? 0) * Double(worker) / Double(connections))
                    while clock.now < deadline {
                        var sent = clock.now
                        if let interval {
                            guard due < deadline else { break }
                            if due > sent { try? await Task.sleep(until: due, clock: clock) }
                            sent = due
                            due = due + .seconds(interval)
                        }
                        do {
                            let response = try await client.execute(makeRequest(), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status == status {
                                latencies.append((clock.now - sent).inSeconds * 1000)
                            } else {
                                errors += 1
                            }
                        } catch {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            var all: [([Double], Int)] = []
            for await part in group { all.append(part) }
            return all
        }
        let elapsed = clock.now - start
        let latencies = perWorker.flatMap(\.0).sorted()
        return Result(requests: latencies.count, errors: perWorker.map(\.1).reduce(0, +),
                      seconds: elapsed.inSeconds, cpuSeconds: Self.processCPUSeconds() - cpuAtStart,
                      latencies: latencies)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
