package dev.tollgate.streams.topology;

/** Identity of the streams app as deployed. */
public final class StreamsApplication {

    /**
     * The Kafka Streams {@code application.id}: the consumer group, the transactional id prefix and the prefix of
     * every internal topic. Changing it orphans all state, so it is a constant here and in
     * {@code application.properties} ({@code quarkus.kafka-streams.application-id}); a test keeps them equal.
     */
    public static final String APPLICATION_ID = "tollgate-streams";

    private StreamsApplication() {
    }

    /** The changelog topic Kafka Streams creates for a logged store. */
    public static String changelogTopic(String storeName) {
        return APPLICATION_ID + "-" + storeName + "-changelog";
    }
}
