package dev.tollgate.streams.app;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * What a stream thread does when processing throws (Quarkus installs this bean on the {@code KafkaStreams}).
 *
 * <p>Bad records never get here: they go to a dead-letter topic inside the topology. What remains is either the
 * environment (the schema registry unreachable: {@link RegistryUnavailableException}) or a bug.
 * <ul>
 *   <li>Environment: {@code REPLACE_THREAD}. Under exactly-once the open transaction is aborted and the new thread
 *       resumes from the last committed offset, so nothing is lost or counted twice, and nothing is dead-lettered
 *       merely because the registry was down. The cost: the failed thread's tasks are closed dirty, and their
 *       state is restored from the changelog.</li>
 *   <li>Anything else: {@code SHUTDOWN_CLIENT}. Retrying a bug loops forever; shutting down turns the liveness
 *       check DOWN so the orchestrator restarts the pod with back-off and someone looks at it.</li>
 * </ul>
 */
@ApplicationScoped
public class StreamsFailurePolicy implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(StreamsFailurePolicy.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (RegistryUnavailableException.isCauseOf(exception)) {
            LOG.warnf(exception, "event=stream_thread_failed cause=registry_unavailable action=replace_thread");
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.errorf(exception, "event=stream_thread_failed cause=unexpected action=shutdown_client");
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
