package dev.tollgate.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The data model of a generated record class, with a constant-time answer for the contract's optional fields.
 *
 * <p><b>Why:</b> every optional field of the contract is a {@code ["null", T]} union, and Avro resolves a union by
 * naming the value's schema and looking that name up in the union, for every optional field of every record
 * written. On the gateway's publisher thread that was about a seventh of the time spent writing events (JFR,
 * docs/benchmarks.md). For a two-branch union with {@code null} the branch follows from whether the value is null;
 * any other union is resolved as before.
 *
 * <p>It carries the generated class's logical-type conversions, so timestamps are written exactly as the class's
 * own model writes them ({@code CachingAvroDatumProviderTest} compares the bytes).
 */
final class NullableUnionData extends SpecificData {

    /**
     * @param model the generated class's own model ({@code SpecificData.getForSchema}), whose class loader and
     *              conversions this copies
     */
    NullableUnionData(SpecificData model) {
        super(model.getClassLoader());
        model.getConversions().forEach(this::addLogicalTypeConversion);
    }

    @Override
    public int resolveUnion(Schema union, Object datum) {
        List<Schema> branches = union.getTypes();
        if (branches.size() == 2) {
            if (branches.get(0).getType() == Schema.Type.NULL) {
                return datum == null ? 0 : 1;
            }
            if (branches.get(1).getType() == Schema.Type.NULL) {
                return datum == null ? 1 : 0;
            }
        }
        return super.resolveUnion(union, datum);
    }
}
