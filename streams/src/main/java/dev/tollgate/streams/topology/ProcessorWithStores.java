package dev.tollgate.streams.topology;

import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A processor supplier that also declares the stores its processors use, so that {@code KStream#process} connects
 * them: what every stateful processor of the app hands to the DSL.
 */
public final class ProcessorWithStores {

    private ProcessorWithStores() {
    }

    /**
     * The supplier of {@code processors}, with {@code stores}.
     *
     * @param processors makes a new processor per task; each call must return a new instance
     * @param stores     the builders of the stores the processors read and write
     */
    public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> of(
            Supplier<? extends Processor<KIn, VIn, KOut, VOut>> processors, Set<StoreBuilder<?>> stores) {
        Set<StoreBuilder<?>> declared = Set.copyOf(stores);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<KIn, VIn, KOut, VOut> get() {
                return processors.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return declared;
            }
        };
    }
}
