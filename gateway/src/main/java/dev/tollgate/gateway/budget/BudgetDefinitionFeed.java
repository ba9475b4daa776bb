package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.gateway.sync.AdminStateFeed;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Budget definitions as admin state: published on {@code tollgate.budgets.v1} (which the streams app reads too),
 * and held by every replica's {@link BudgetBook}. A tombstone deletes the budget. A definition the book refuses is
 * logged and skipped rather than stopping the follower.
 */
@Singleton
public class BudgetDefinitionFeed implements AdminStateFeed<BudgetDefinition> {

    private static final Logger LOG = Logger.getLogger(BudgetDefinitionFeed.class);

    private final BudgetBook budgets;
    private final StatePublisher publisher;

    @Inject
    BudgetDefinitionFeed(BudgetBook budgets, StatePublisher publisher) {
        this.budgets = budgets;
        this.publisher = publisher;
    }

    @Override
    public String topic() {
        return Topics.BUDGETS;
    }

    @Override
    public Class<BudgetDefinition> type() {
        return BudgetDefinition.class;
    }

    @Override
    public Uni<Map<String, BudgetDefinition>> snapshot() {
        return BudgetEntity.<BudgetEntity>listAll().map(rows -> {
            Map<String, BudgetDefinition> definitions = new LinkedHashMap<>();
            rows.forEach(row -> definitions.put(row.id, row.definition()));
            return definitions;
        });
    }

    @Override
    public void apply(String budgetId, BudgetDefinition definition) {
        if (definition == null) {
            budgets.remove(budgetId);
            LOG.infof("admin state applied budget=%s removed=true", budgetId);
            return;
        }
        try {
            budgets.define(Budget.of(definition));
            LOG.infof("admin state applied budget=%s org=%s enforcement=%s", budgetId, definition.getOrgId(),
                    definition.getEnforcement());
        } catch (IllegalArgumentException e) {
            LOG.warnf("admin state budget ignored budget=%s reason=\"%s\"", budgetId, e.getMessage());
        }
    }

    /** Publishes a budget's definition, or its tombstone when {@code definition} is null (deleted). */
    Uni<Void> publish(String budgetId, BudgetDefinition definition) {
        return publisher.publish(Topics.BUDGETS, budgetId, definition, "budget=" + budgetId + (definition == null ? ""
                : " org=" + definition.getOrgId() + " amount_micros=" + definition.getAmountMicros() + " enforcement="
                + definition.getEnforcement()));
    }
}
