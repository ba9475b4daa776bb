package dev.tollgate.streams.budgets;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Keeps the global definitions store in step with {@code tollgate.budgets.v1}: the processor of a global store, run
 * for every definition record, and again over the whole topic when the store is restored.
 *
 * <p>The store is keyed by {@link BudgetTopology#definitionKey org id, then budget id}, not by the topic's budget-id
 * key: a usage event must find every budget of its org with one prefix scan. A tombstone carries only the budget
 * id, so it (and any change of a budget's org) is applied by scanning the store for that id. Definitions change
 * rarely and number in the thousands, so the scan is cheap; the hot path (usage) never scans.
 *
 * <p>A definition that cannot be decoded or enforced (unknown time zone, negative limit) is logged and ignored,
 * and the budget's previous definition, if any, stays in force: dropping a working budget because of a bad edit
 * would stop enforcing it. A registry outage is thrown, which stops the app (a global thread cannot be replaced)
 * rather than silently skipping a definition.
 */
public class BudgetDefinitionLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(BudgetDefinitionLoader.class);

    private final Deserializer<BudgetDefinition> deserializer;
    private final DefinitionChanges changes;
    private KeyValueStore<String, BudgetRule> definitions;

    /**
     * Takes ownership of {@code deserializer} and closes it with the processor.
     *
     * @param deserializer reads the Avro definitions
     * @param changes      counted after every change of the store, for the spend processors
     */
    BudgetDefinitionLoader(Deserializer<BudgetDefinition> deserializer, DefinitionChanges changes) {
        this.deserializer = deserializer;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.definitions = context.getStateStore(BudgetTopology.DEFINITIONS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String budgetId = record.key();
        if (budgetId == null) {
            LOG.warnf("event=budget_definition_ignored reason=\"no key\"");
            return;
        }
        if (record.value() == null) {
            removeAll(budgetId);
            changes.changed();
            LOG.infof("event=budget_deleted budget_id=%s", budgetId);
            return;
        }
        BudgetRule rule;
        try {
            BudgetDefinition definition = deserializer.deserialize(Topics.BUDGETS, record.headers(), record.value());
            rule = BudgetRule.of(definition);
            if (!budgetId.equals(rule.budgetId())) {
                throw new IllegalArgumentException("record key '" + budgetId + "' is not budget_id '"
                        + rule.budgetId() + "'");
            }
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while loading a budget", e);
            }
            LOG.warnf("event=budget_definition_ignored budget_id=%s reason=\"%s\"", budgetId, e.getMessage());
            return;
        }
        removeAll(budgetId);
        definitions.put(BudgetTopology.definitionKey(rule.orgId(), budgetId), rule);
        changes.changed();
        LOG.debugf("event=budget_loaded budget_id=%s org_id=%s", budgetId, rule.orgId());
    }

    private void removeAll(String budgetId) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, BudgetRule> all = definitions.all()) {
            while (all.hasNext()) {
                KeyValue<String, BudgetRule> entry = all.next();
                if (entry.value != null && budgetId.equals(entry.value.budgetId())) {
                    stale.add(entry.key);
                }
            }
        }
        stale.forEach(definitions::delete);
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
