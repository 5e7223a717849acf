import ServiceLifecycle

/// Work a request starts and the server finishes after answering (an ads import): run by a service
/// of the store's lifecycle, one job at a time, so no job outlives the database it writes to. At
/// shutdown the running job is cancelled (its own error path records that it stopped) and jobs
/// not yet started are dropped.
public final class BackgroundWork: Sendable {
    public typealias Job = @Sendable () async -> Void
    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation

    public init() {
        (jobs, queue) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; false once the store is shutting down.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        if case .enqueued = queue.yield(job) { return true }
        return false
    }

    var service: some Service { BackgroundWorkService(work: self) }

    fileprivate func run() async {
        for await job in jobs {
            guard !Task.isCancelled else { break }
            await job()
        }
    }

    fileprivate func stop() { queue.finish() }
}

struct BackgroundWorkService: Service {
    let work: BackgroundWork

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await withTaskCancellationHandler {
                await work.run()
            } onCancel: {
                work.stop()
            }
        }
    }
}
