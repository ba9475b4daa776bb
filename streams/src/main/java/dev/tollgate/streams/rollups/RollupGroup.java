package dev.tollgate.streams.rollups;


import dev.tollgate.streams.topology.CommitFlush;

/**
 * A set of rollup dimensions that share a partitioning, and so one processor and one window store per
 * granularity. The org dimensions are counted in the org's own task, straight from the usage topic; the endpoint
 * dimension crosses orgs and is counted from per-minute partials repartitioned by endpoint id ({@link RollupPartial}).
 */
public enum RollupGroup {

    /** (org), (org, model), (org, key) and (org, team), partitioned by org id like the usage topic. */
    ORG("org"),

    /** (endpoint), partitioned by endpoint id. */
    ENDPOINT("endpoint");

    private final String label;

    RollupGroup(String label) {
        this.label = label;
    }

    /** The window store of this group at {@code granularity}, e.g. {@code rollups-org-1h}. */
    public String storeName(Granularity granularity) {
        return "rollups-" + label + "-" + granularity.label();
    }

    /** The name of this group's aggregating processor. */
    public String processorName() {
        return "rollups-" + label + "-aggregate";
    }

    /**
     * The name of this group's commit hook store ({@link CommitFlush}), e.g.
     * {@code rollups-org-commit}; it holds no data and has no changelog.
     */
    public String commitHookName() {
        return "rollups-" + label + CommitFlush.HOOK_SUFFIX;
    }

    /** The name of this group's sink to the rollups topic. */
    public String sinkName() {
        return "rollups-" + label + "-sink";
    }
}
