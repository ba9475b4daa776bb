package dev.tollgate.streams.budgets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Decodes {@code tollgate.budget-lease-requests.v1} inside the task, as the usage intake decodes usage: a registry
 * outage is thrown (the thread is replaced and the record retried), never mistaken for a bad record.
 *
 * <p>A record that cannot be decoded, or whose key is not its {@code org_id}, is logged and dropped: it may have
 * landed on a partition whose task does not own the budget, and a grant from the wrong owner would break the
 * guarantee. Its sender gets no answer and asks again (or its waiting request is refused as unanswered).
 */
public class LeaseRequestDecoder implements Processor<String, byte[], String, BudgetInput> {

    private static final Logger LOG = Logger.getLogger(LeaseRequestDecoder.class);

    private final Deserializer<BudgetLeaseRequest> deserializer;
    private ProcessorContext<String, BudgetInput> context;

    /** Takes ownership of {@code deserializer} and closes it with the processor. */
    LeaseRequestDecoder(Deserializer<BudgetLeaseRequest> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(ProcessorContext<String, BudgetInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        BudgetLeaseRequest request;
        try {
            request = deserializer.deserialize(Topics.BUDGET_LEASE_REQUESTS, record.headers(), record.value());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while reading a lease request", e);
            }
            LOG.warnf("event=lease_request_ignored reason=\"undecodable: %s\"", e.getMessage());
            return;
        }
        if (request == null || !request.getOrgId().equals(record.key())) {
            LOG.warnf("event=lease_request_ignored key=%s reason=\"key is not the org_id\"", record.key());
            return;
        }
        context.forward(record.withValue(new BudgetInput.LeaseRequest(request)));
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
