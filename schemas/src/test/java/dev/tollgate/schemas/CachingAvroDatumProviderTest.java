package dev.tollgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class CachingAvroDatumProviderTest {

    @Test
    void reusesOneWriterPerSchema() {
        var provider = new CachingAvroDatumProvider<Object>();
        UsageEvent event = usage();

        assertThat(provider.createDatumWriter(event, UsageEvent.getClassSchema()))
                .isSameAs(provider.createDatumWriter(usage(), UsageEvent.getClassSchema()));
        assertThat(provider.createDatumReader(UsageEvent.getClassSchema()))
                .isSameAs(provider.createDatumReader(UsageEvent.getClassSchema()));
    }

    @Test
    void writesTheSameBytesAsApicuriosDefaultProvider() throws Exception {
        UsageEvent event = usage();

        assertThat(bytes(new CachingAvroDatumProvider<Object>().createDatumWriter(event, event.getSchema()), event))
                .isEqualTo(bytes(new DefaultAvroDatumProvider<Object>().createDatumWriter(event, event.getSchema()), event));
    }

    @Test
    void isTheProviderEverySerdeOfTheContractUses() {
        assertThat(AvroSerdes.serializerConfig("http://r")).containsEntry(AvroSerdes.DATUM_PROVIDER,
                CachingAvroDatumProvider.class.getName());
        assertThat(AvroSerdes.deserializerConfig("http://r")).containsEntry(AvroSerdes.DATUM_PROVIDER,
                CachingAvroDatumProvider.class.getName());
    }

    private static byte[] bytes(DatumWriter<Object> writer, Object record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static UsageEvent usage() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        return UsageEvent.newBuilder().setEventId("e-1").setRequestId("r-1").setOrgId("acme").setKeyId("k")
                .setModel("m").setUsageSource(UsageSource.PROVIDER).setStatus(RequestStatus.OK).setHttpStatus(200)
                .setLatencyMs(1).setStartedAt(now).setCompletedAt(now).build();
    }
}
