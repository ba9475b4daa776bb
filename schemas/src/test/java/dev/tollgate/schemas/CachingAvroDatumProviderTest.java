package dev.tollgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    static Stream<Arguments> everyRecordOfTheContract() {
        return Stream.of(UsageEvent.getClassSchema(), RequestEvent.getClassSchema(), TraceEvent.getClassSchema(),
                        BudgetDefinition.getClassSchema(), BudgetState.getClassSchema(),
                        BudgetThresholdCrossed.getClassSchema(), ApiKeyState.getClassSchema(),
                        EndpointState.getClassSchema())
                .flatMap(schema -> Stream.of(Arguments.of(schema.getName(), schema, true),
                        Arguments.of(schema.getName(), schema, false)));
    }

    @ParameterizedTest(name = "{0}, optional fields set: {2}")
    @MethodSource("everyRecordOfTheContract")
    void writesEveryRecordOfTheContractByteForByteAsItsGeneratedModelDoes(String name, Schema schema,
            boolean optionalsSet) throws Exception {
        Object record = sample(schema, optionalsSet);

        byte[] ours = bytes(new CachingAvroDatumProvider<Object>().createDatumWriter(record, schema), record);

        assertThat(ours).isEqualTo(bytes(new SpecificDatumWriter<>(schema), record));
    }

    @ParameterizedTest(name = "{0}, optional fields set: {2}")
    @MethodSource("everyRecordOfTheContract")
    void writesEveryRecordThroughApicuriosUnbufferedEncoderInOneCallWithTheSameBytes(String name, Schema schema,
            boolean optionalsSet) throws Exception {
        Object record = sample(schema, optionalsSet);
        CountingStream out = new CountingStream();
        var direct = EncoderFactory.get().directBinaryEncoder(out, null);

        new CachingAvroDatumProvider<Object>().createDatumWriter(record, schema).write(record, direct);
        direct.flush();

        assertThat(out.writes).isEqualTo(1);
        assertThat(out.toByteArray()).isEqualTo(bytes(new SpecificDatumWriter<>(schema), record));
    }

    @Test
    void writesJsonEncodingFieldByFieldAsAvroDoes() throws Exception {
        UsageEvent event = usage();
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream avros = new ByteArrayOutputStream();

        var encoder = EncoderFactory.get().jsonEncoder(event.getSchema(), ours);
        new CachingAvroDatumProvider<Object>().createDatumWriter(event, event.getSchema()).write(event, encoder);
        encoder.flush();
        var reference = EncoderFactory.get().jsonEncoder(event.getSchema(), avros);
        new SpecificDatumWriter<Object>(event.getSchema()).write(event, reference);
        reference.flush();

        assertThat(ours.toString()).isEqualTo(avros.toString()).contains("\"event_id\"");
    }

    @Test
    void isTheProviderEverySerdeOfTheContractUses() {
        assertThat(AvroSerdes.serializerConfig("http://r")).containsEntry(AvroSerdes.DATUM_PROVIDER,
                CachingAvroDatumProvider.class.getName());
        assertThat(AvroSerdes.deserializerConfig("http://r")).containsEntry(AvroSerdes.DATUM_PROVIDER,
                CachingAvroDatumProvider.class.getName());
    }

    /** Counts the write calls that reach it. */
    private static final class CountingStream extends ByteArrayOutputStream {
        private int writes;

        @Override
        public synchronized void write(int b) {
            writes++;
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }
    }

    private static byte[] bytes(DatumWriter<Object> writer, Object record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * A value of {@code schema}: every field filled, optional ones ({@code ["null", T]}) only when
     * {@code optionalsSet}; an array holds one item of each kind, so a record's array covers both.
     */
    private static Object sample(Schema schema, boolean optionalsSet) {
        switch (schema.getType()) {
            case RECORD:
                SpecificRecordBase record = (SpecificRecordBase) new SpecificData().newRecord(null, schema);
                assertThat(record).as("generated class of %s", schema.getFullName()).isNotNull();
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), sample(field.schema(), optionalsSet));
                }
                return record;
            case UNION:
                Schema value = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                        .findFirst().orElseThrow();
                return optionalsSet ? sample(value, true) : null;
            case ARRAY:
                return List.of(sample(schema.getElementType(), true), sample(schema.getElementType(), false));
            case MAP:
                return Map.of("k", sample(schema.getValueType(), optionalsSet));
            case ENUM:
                List<String> symbols = schema.getEnumSymbols();
                return SpecificData.get().createEnum(symbols.get(symbols.size() - 1), schema);
            case STRING:
                return "s-" + schema.hashCode() % 97;
            case LONG:
                if (schema.getLogicalType() != null && schema.getLogicalType().getName().equals("timestamp-micros")) {
                    return Instant.ofEpochSecond(1_763_800_000L, 123_456_000L);
                }
                if (schema.getLogicalType() != null) {
                    return Instant.ofEpochMilli(1_763_800_000_123L);
                }
                return 1_234_567_890_123L;
            case INT:
                return -7;
            case BOOLEAN:
                return true;
            case DOUBLE:
                return 0.25;
            case FLOAT:
                return 1.5f;
            case BYTES:
                return ByteBuffer.wrap(new byte[] {1, 2, 3});
            default:
                throw new IllegalArgumentException("no sample for " + schema);
        }
    }

    private static UsageEvent usage() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        return UsageEvent.newBuilder().setEventId("e-1").setRequestId("r-1").setOrgId("acme").setKeyId("k")
                .setModel("m").setUsageSource(UsageSource.PROVIDER).setStatus(RequestStatus.OK).setHttpStatus(200)
                .setLatencyMs(1).setStartedAt(now).setCompletedAt(now).build();
    }
}
