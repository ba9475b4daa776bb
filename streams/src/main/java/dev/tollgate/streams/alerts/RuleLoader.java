package dev.tollgate.streams.alerts;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Keeps the global {@code alerts-rules} store in step with {@code tollgate.alert-rules.v1}, keyed by rule id: every
 * instance holds every rule (they are few), and evaluates those whose subjects it owns. A tombstone deletes a rule;
 * an older version than the one held is ignored (two admin changes of one rule may reach the topic in either
 * order). A record that cannot be decoded is logged and skipped, keeping the rule's previous version; a registry
 * outage stops the app rather than skipping a rule (a global thread cannot be replaced).
 */
final class RuleLoader implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(RuleLoader.class);

    private final Deserializer<Object> deserializer;
    private final AtomicLong changes;
    private KeyValueStore<String, Rule> rules;

    /**
     * @param deserializer reads the Avro rules; closed with the processor
     * @param changes      moved after every change of the store, so evaluators reload their copy
     */
    RuleLoader(Deserializer<Object> deserializer, AtomicLong changes) {
        this.deserializer = deserializer;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        rules = context.getStateStore(AlertTopology.RULES_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String ruleId = record.key();
        if (ruleId == null) {
            return;
        }
        if (record.value() == null) {
            rules.delete(ruleId);
            changes.incrementAndGet();
            LOG.infof("event=alert_rule_deleted rule=%s", ruleId);
            return;
        }
        Rule rule;
        try {
            Object decoded = deserializer.deserialize(Topics.ALERT_RULES, record.headers(), record.value());
            if (!(decoded instanceof AlertRule alertRule) || !ruleId.equals(alertRule.getRuleId())) {
                throw new IllegalArgumentException("not the AlertRule of key '" + ruleId + "'");
            }
            rule = Rule.of(alertRule);
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while loading an alert rule", e);
            }
            LOG.warnf("event=alert_rule_ignored rule=%s reason=\"%s\"", ruleId, e.getMessage());
            return;
        }
        Rule held = rules.get(ruleId);
        if (held != null && held.version() > rule.version()) {
            LOG.debugf("event=alert_rule_older_ignored rule=%s version=%d held=%d", ruleId, rule.version(),
                    held.version());
            return;
        }
        rules.put(ruleId, rule);
        changes.incrementAndGet();
        LOG.infof("event=alert_rule_loaded rule=%s kind=%s enabled=%s version=%d", ruleId, rule.kind(), rule.enabled(),
                rule.version());
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
