package dev.tollgate.gateway.evals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A published record as Avro's JSON encoding, for the rows that keep exactly what was published (runs, backfills):
 * one format, read back by the same schema, instead of a second mapping to keep in step with the contract.
 */
final class AvroJson {

    private AvroJson() {
    }

    static String write(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Encoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("a specific record always encodes", e);
        }
    }

    static <T extends SpecificRecord> T read(String json, Schema schema) {
        try {
            return new SpecificDatumReader<T>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, json));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored record no longer reads with its schema", e);
        }
    }
}
