package dev.tollgate.schemas;

/**
 * The partition keys of the event contract. Every event is keyed by the org id so that one org's usage is
 * totally ordered on one partition, which is what lets streams compute spend per org without a repartition.
 */
public final class EventKeys {

    private EventKeys() {
    }

    /**
     * The key of any event that belongs to {@code orgId}.
     *
     * @throws IllegalArgumentException when the org id is blank: an unkeyed event would land on a random
     *                                  partition and break per-org ordering
     */
    public static String orgKey(String orgId) {
        if (orgId == null || orgId.isBlank()) {
            throw new IllegalArgumentException("every event needs an org id to be keyed by");
        }
        return orgId;
    }
}
