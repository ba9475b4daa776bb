package dev.tollgate.streams.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.EndpointLoadSample;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Evaluates every alert rule against every subject its task owns, advances each alert's state machine
 * ({@link Lifecycle}) and publishes every transition, once, to {@code tollgate.alerts.v1}.
 *
 * <p><b>When it evaluates:</b> a subject's rules at once when data about it arrives (usage, a health report, a load
 * sample, a threshold crossing), and every rule against every subject on wall-clock punctuation every
 * {@code evaluation-interval}: time moves alerts forward even when no data comes, so a pending alert fires after its
 * {@code for} and an alert whose traffic stopped resolves. Times are the instance's wall clock
 * ({@code currentSystemTimeMs}).
 *
 * <p><b>Why one alert per incident:</b> each subject's inputs are partitioned by the subject's id, so one task, on one
 * instance, owns each alert; however many gateway replicas report an endpoint down and however many streams
 * instances run, one state machine decides, and its state and its output records commit in one transaction
 * ({@code exactly_once_v2}): a crash re-evaluates from the last commit, and a transition whose commit was aborted was
 * never visible to the notifier (it reads committed records only).
 *
 * <p><b>State:</b> the three stores ({@code alerts-series}, {@code alerts-signals}, {@code alerts-state}) are read
 * into memory at the first record or punctuation after {@code init} (a restored or revived task reads what was
 * committed), and written through on every change that matters to a restart: data, and an alert's state and
 * {@code keep_firing_for} clock. An alert's latest value is written at most every {@link #VALUE_WRITE_EVERY_MS}.
 *
 * <p><b>Series, one entry per minute:</b> {@code alerts-series} holds each subject's minute under
 * {@link Series#storeKey} (subject and minute), and a usage partial rewrites only its minute. Why: a partial arrives
 * per subject, minute and org task commit (hundreds per second), and writing the subject's whole series (up to
 * three hours of minutes, each with two sketches) each time made encoding the series, its store write and its
 * changelog record the largest single cost of the app (about a fifth of the stream thread in a profile of the
 * streams benchmark, docs/benchmarks.md). The former layout, a subject's whole series under its key, is still read
 * and rewritten per minute ({@link #readSeries}).
 */
final class AlertEvaluator implements Processor<String, Signal, String, byte[]> {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);
    static final long VALUE_WRITE_EVERY_MS = 10_000;
    private static final long PRUNE_EVERY_MS = 30_000;
    /** How long an expired replica report or load sample is kept (for the query API) before it is dropped. */
    private static final long SIGNALS_KEEP_MS = 3_600_000;

    private final Deserializer<Object> deserializer;
    private final Serializer<AlertTransition> serializer;
    private final AtomicLong ruleChanges;
    private final AlertsConfig.Settings settings;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Series> seriesStore;
    private KeyValueStore<String, Signals> signalsStore;
    private KeyValueStore<String, Alert> alertStore;
    private KeyValueStore<String, Rule> ruleStore;

    private final Map<String, Series> series = new HashMap<>();
    private final Map<String, Signals> signals = new HashMap<>();
    private final Map<String, Alert> alerts = new HashMap<>();
    private final Map<String, Long> valueWrittenAt = new HashMap<>();
    private List<Rule> rules = List.of();
    private long rulesSeen = -1;
    private boolean loaded;
    private long prunedAt;

    /**
     * Takes ownership of both serdes and closes them with the processor.
     *
     * @param deserializer decodes health reports, load samples and threshold events
     * @param serializer   encodes transitions
     * @param ruleChanges  moved by {@link RuleLoader} after every change of the rules
     * @param settings     evaluation interval and retention
     */
    AlertEvaluator(Deserializer<Object> deserializer, Serializer<AlertTransition> serializer, AtomicLong ruleChanges,
                   AlertsConfig.Settings settings) {
        this.deserializer = deserializer;
        this.serializer = serializer;
        this.ruleChanges = ruleChanges;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        seriesStore = context.getStateStore(AlertTopology.SERIES_STORE);
        signalsStore = context.getStateStore(AlertTopology.SIGNALS_STORE);
        alertStore = context.getStateStore(AlertTopology.STATE_STORE);
        ruleStore = context.getStateStore(AlertTopology.RULES_STORE);
        // A revived task runs init again; what memory held may belong to an aborted transaction.
        series.clear();
        signals.clear();
        alerts.clear();
        valueWrittenAt.clear();
        rulesSeen = -1;
        loaded = false;
        context.schedule(settings.evaluationInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<String, Signal> record) {
        load();
        long now = context.currentSystemTimeMs();
        Subject subject = remember(record);
        if (subject != null) {
            evaluate(subject, now, null);
        }
    }

    /** Applies one input to the stores; returns its subject, or null when it was skipped. */
    private Subject remember(Record<String, Signal> record) {
        Signal signal = record.value();
        if (signal instanceof Signal.Usage usage) {
            UsagePartial partial = usage.partial();
            Subject subject = partial.subject();
            Series held = series.computeIfAbsent(subject.key(), k -> Series.empty());
            held.add(partial.minuteStartMs(), partial.bucket());
            long minute = partial.minuteStartMs();
            seriesStore.put(Series.storeKey(subject.key(), minute), held.minute(minute));
            return subject;
        }
        Signal.Encoded encoded = (Signal.Encoded) signal;
        Object decoded = decode(encoded, record);
        if (decoded instanceof EndpointHealthReport report) {
            return update(new Subject(Subject.Kind.ENDPOINT, report.getEndpointId()), s -> s.withHealth(report));
        }
        if (decoded instanceof EndpointLoadSample sample) {
            return update(new Subject(Subject.Kind.ENDPOINT, sample.getEndpointId()), s -> s.withLoad(sample));
        }
        if (decoded instanceof BudgetThresholdCrossed crossed) {
            return update(new Subject(Subject.Kind.BUDGET, crossed.getBudgetId()), s -> s.withCrossing(crossed));
        }
        return null;
    }

    private Subject update(Subject subject, java.util.function.UnaryOperator<Signals> change) {
        Signals next = change.apply(signals.getOrDefault(subject.key(), new Signals(null, null)));
        signals.put(subject.key(), next);
        signalsStore.put(subject.key(), next);
        return subject;
    }

    private Object decode(Signal.Encoded encoded, Record<String, Signal> record) {
        String topic = switch (encoded.source()) {
            case HEALTH -> Topics.ENDPOINT_HEALTH;
            case LOAD -> Topics.ENDPOINT_LOAD;
            case BUDGET -> Topics.BUDGET_EVENTS;
        };
        if (encoded.value() == null) {
            return null;
        }
        try {
            return deserializer.deserialize(topic, record.headers(), encoded.value());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while reading " + topic, e);
            }
            LOG.warnf("event=alert_input_skipped topic=%s key=%s reason=\"%s\"", topic, record.key(), e.getMessage());
            return null;
        }
    }

    /** Every rule against every subject, then alerts whose subject or rule is gone; on wall-clock time. */
    private void tick(long now) {
        load();
        Set<String> seen = new HashSet<>();
        Set<String> subjects = new LinkedHashSet<>(series.keySet());
        subjects.addAll(signals.keySet());
        for (String key : subjects) {
            evaluate(Subject.ofKey(key), now, seen);
        }
        for (Alert alert : new ArrayList<>(alerts.values())) {
            if (!seen.contains(alert.fingerprint())) {
                orphaned(alert, now);
            }
        }
        if (now - prunedAt >= PRUNE_EVERY_MS) {
            prune(now);
            prunedAt = now;
        }
    }

    /** Evaluates every rule that covers {@code subject}; adds the fingerprints evaluated to {@code seen}. */
    private void evaluate(Subject subject, long now, Set<String> seen) {
        for (Rule rule : rules()) {
            if (!rule.covers(subject) || !Conditions.known(rule)) {
                continue;
            }
            Conditions.Evaluation evaluation = Conditions.onSeries(rule)
                    ? Conditions.onSeries(rule, subject, series.get(subject.key()), now)
                    : Conditions.onSignals(rule, subject, signals.get(subject.key()), now);
            String fingerprint = Fingerprints.of(rule.id(), subject.labels());
            if (seen != null) {
                seen.add(fingerprint);
            }
            apply(fingerprint, rule, subject, evaluation, now);
        }
    }

    private void apply(String fingerprint, Rule rule, Subject subject, Conditions.Evaluation evaluation, long now) {
        Alert current = alerts.get(fingerprint);
        if (current == null && (!evaluation.active() || !rule.enabled())) {
            return;
        }
        Map<String, String> labels = labels(rule, evaluation.labels());
        Map<String, String> annotations = Annotations.render(rule.annotations(), evaluation.value(), labels);
        Alert fresh = new Alert(fingerprint, rule.id(), rule.name(), rule.kind(), rule.severity(), subject.key(),
                Alert.INACTIVE, labels, annotations, rule.receivers(), evaluation.value(), rule.threshold(), now,
                null, null, null, now);
        Alert base = current == null ? null : current.withRule(rule, labels, current.annotations());
        Lifecycle.Step step = Lifecycle.advance(base, fresh, evaluation.active(), rule.forMs(),
                rule.keepFiringForMs(), !rule.enabled(), now);
        settle(current, base, step, evaluation.value(), annotations, now);
    }

    /** An alert no evaluation covered in a tick: its subject's data is gone, or its rule is deleted or disabled. */
    private void orphaned(Alert alert, long now) {
        if (Alert.RESOLVED.equals(alert.state())) {
            return;
        }
        Rule rule = rules().stream().filter(r -> r.id().equals(alert.ruleId())).findFirst().orElse(null);
        boolean gone = rule == null || !rule.enabled();
        Lifecycle.Step step = Lifecycle.advance(alert, alert, false, rule == null ? 0 : rule.forMs(),
                rule == null ? 0 : rule.keepFiringForMs(), gone, now);
        settle(alert, alert, step, 0, alert.annotations(), now);
    }

    /** Keeps the step's result, writes what a restart needs, and publishes its transition. */
    private void settle(Alert current, Alert base, Lifecycle.Step step, double value, Map<String, String> annotations,
                        long now) {
        Alert next = step.alert() == null ? null : step.alert().withMeasure(value, now);
        if (step.transition() != null) {
            Alert subject = next != null ? next : base;
            Alert published = new Alert(subject.fingerprint(), subject.ruleId(), subject.ruleName(), subject.kind(),
                    subject.severity(), subject.subject(), step.transition(), subject.labels(), annotations,
                    subject.receivers(), value, subject.threshold(), subject.activeAtMs(), subject.firedAtMs(),
                    subject.resolvedAtMs(), null, now);
            publish(published, current == null ? Alert.INACTIVE : current.state(), now);
            if (next != null) {
                next = published.withState(next.state(), next.activeAtMs(), next.firedAtMs(), next.resolvedAtMs(),
                        next.keepFiringSinceMs());
            }
        }
        String fingerprint = base != null ? base.fingerprint() : next == null ? null : next.fingerprint();
        if (next == null) {
            if (current != null) {
                alerts.remove(fingerprint);
                valueWrittenAt.remove(fingerprint);
                alertStore.delete(fingerprint);
            }
            return;
        }
        alerts.put(fingerprint, next);
        boolean stateChanged = current == null || !current.state().equals(next.state())
                || !java.util.Objects.equals(current.keepFiringSinceMs(), next.keepFiringSinceMs())
                || current.activeAtMs() != next.activeAtMs();
        long lastWrite = valueWrittenAt.getOrDefault(fingerprint, Long.MIN_VALUE / 2);
        if (stateChanged || (current.value() != next.value() && now - lastWrite >= VALUE_WRITE_EVERY_MS)) {
            alertStore.put(fingerprint, next);
            valueWrittenAt.put(fingerprint, now);
        }
    }

    private void publish(Alert alert, String previous, long now) {
        AlertTransition transition = AlertTransition.newBuilder()
                .setTransitionId(alert.transitionId(alert.state())).setFingerprint(alert.fingerprint())
                .setRuleId(alert.ruleId()).setRuleName(alert.ruleName()).setKind(kind(alert.kind()))
                .setSeverity(AlertSeverity.valueOf(alert.severity())).setState(AlertState.valueOf(alert.state()))
                .setPreviousState(AlertState.valueOf(previous)).setLabels(new TreeMap<>(alert.labels()))
                .setAnnotations(new TreeMap<>(alert.annotations())).setReceivers(List.copyOf(alert.receivers()))
                .setValue(alert.value()).setThreshold(alert.threshold())
                .setActiveAt(Instant.ofEpochMilli(alert.activeAtMs()))
                .setFiredAt(alert.firedAtMs() == null ? null : Instant.ofEpochMilli(alert.firedAtMs()))
                .setResolvedAt(alert.resolvedAtMs() == null ? null : Instant.ofEpochMilli(alert.resolvedAtMs()))
                .setTransitionedAt(Instant.ofEpochMilli(now)).build();
        byte[] bytes;
        try {
            bytes = serializer.serialize(Topics.ALERTS, transition);
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while publishing an alert", e);
            }
            throw e;
        }
        context.forward(new Record<>(alert.fingerprint(), bytes, now));
        LOG.infof("event=alert_transition rule=%s alertname=%s fingerprint=%s subject=%s from=%s to=%s value=%s",
                alert.ruleId(), alert.ruleName(), alert.fingerprint(), alert.subject(), previous, alert.state(),
                Annotations.format(alert.value()));
    }

    private static AlertRuleKind kind(String name) {
        try {
            return AlertRuleKind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return AlertRuleKind.UNKNOWN;
        }
    }

    /** alertname, severity and rule_id, then the rule's labels, then the subject's; the latter win. */
    private static Map<String, String> labels(Rule rule, Map<String, String> subjectLabels) {
        Map<String, String> labels = new TreeMap<>(rule.labels());
        labels.putAll(subjectLabels);
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity().toLowerCase(Locale.ROOT));
        labels.put("rule_id", rule.id());
        return labels;
    }

    private List<Rule> rules() {
        long now = ruleChanges.get();
        if (now != rulesSeen) {
            List<Rule> loadedRules = new ArrayList<>();
            try (KeyValueIterator<String, Rule> all = ruleStore.all()) {
                all.forEachRemaining(entry -> loadedRules.add(entry.value));
            }
            rules = List.copyOf(loadedRules);
            rulesSeen = now;
        }
        return rules;
    }

    /** Reads the stores into memory, once after init: they hold what the last commit left. */
    private void load() {
        if (loaded) {
            return;
        }
        readSeries();
        read(signalsStore, signals);
        read(alertStore, alerts);
        loaded = true;
        if (!alerts.isEmpty()) {
            LOG.infof("event=alerts_restored task=%s alerts=%d subjects=%d", context.taskId(), alerts.size(),
                    series.size() + signals.size());
        }
    }

    /**
     * Reads the series store into {@link #series}: one entry per subject and minute. An entry of the former layout
     * (a subject's whole series under its key) is read too, and rewritten as one entry per minute, in this
     * transaction, so each store holds one layout after the first commit.
     */
    private void readSeries() {
        series.clear();
        List<String> formerKeys = new ArrayList<>();
        try (KeyValueIterator<String, Series> all = seriesStore.all()) {
            while (all.hasNext()) {
                KeyValue<String, Series> entry = all.next();
                String subjectKey = Series.subjectOfStoreKey(entry.key);
                if (subjectKey == null) {
                    subjectKey = entry.key;
                    formerKeys.add(entry.key);
                }
                series.computeIfAbsent(subjectKey, k -> Series.empty()).addAll(entry.value);
            }
        }
        for (String key : formerKeys) {
            Series held = series.get(key);
            for (long minute : held.minuteStarts()) {
                seriesStore.put(Series.storeKey(key, minute), held.minute(minute));
            }
            seriesStore.delete(key);
        }
    }

    private static <V> void read(KeyValueStore<String, V> store, Map<String, V> into) {
        into.clear();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                into.put(entry.key, entry.value);
            }
        }
    }

    /** Drops minutes past retention, expired signals, and resolved alerts past their retention. */
    private void prune(long now) {
        long oldestMinute = Series.minuteOf(now - settings.seriesRetention().toMillis());
        for (String key : new ArrayList<>(series.keySet())) {
            Series held = series.get(key);
            for (long minute : held.minutesBefore(oldestMinute)) {
                seriesStore.delete(Series.storeKey(key, minute));
            }
            if (held.pruneBefore(oldestMinute)) {
                series.remove(key);
            }
        }
        for (String key : new ArrayList<>(signals.keySet())) {
            Signals kept = signals.get(key).prunedAt(now, SIGNALS_KEEP_MS);
            if (kept == null) {
                signals.remove(key);
                signalsStore.delete(key);
            } else if (!kept.equals(signals.get(key))) {
                signals.put(key, kept);
                signalsStore.put(key, kept);
            }
        }
        for (Alert alert : new ArrayList<>(alerts.values())) {
            if (Alert.RESOLVED.equals(alert.state()) && alert.resolvedAtMs() != null
                    && now - alert.resolvedAtMs() >= settings.resolvedRetention().toMillis()) {
                alerts.remove(alert.fingerprint());
                valueWrittenAt.remove(alert.fingerprint());
                alertStore.delete(alert.fingerprint());
            }
        }
    }

    @Override
    public void close() {
        deserializer.close();
        serializer.close();
    }
}
