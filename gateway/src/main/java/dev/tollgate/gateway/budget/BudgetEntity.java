package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A budget row, the system of record for {@code tollgate.budgets.v1}. Choices are stored in lowercase as the
 * admin API spells them; {@link #definition()} turns the row into the published record.
 */
@Entity
@Table(name = "budgets")
public class BudgetEntity extends PanacheEntityBase {

    @Id
    public String id;

    /** {@code org}, {@code team} or {@code key}. */
    @Column(name = "scope_type", nullable = false)
    public String scopeType;

    @Column(name = "scope_id", nullable = false)
    public String scopeId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "amount_micros", nullable = false)
    public long amountMicros;

    /** {@code daily}, {@code weekly} or {@code monthly}. */
    @Column(nullable = false)
    public String period;

    @Column(name = "time_zone", nullable = false)
    public String timeZone;

    /** Comma-separated percents, ascending. */
    @Column(nullable = false)
    public String thresholds = "";

    /** {@code hard} or {@code soft}. */
    @Column(nullable = false)
    public String enforcement;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;

    /** The thresholds as numbers. */
    public List<Integer> thresholdList() {
        return thresholds.isEmpty() ? List.of() : Arrays.stream(thresholds.split(",")).map(Integer::valueOf).toList();
    }

    /** Sets the thresholds: sorted, distinct. */
    public void thresholdList(List<Integer> percents) {
        thresholds = String.join(",", percents.stream().distinct().sorted().map(String::valueOf).toList());
    }

    /** The record published to {@code tollgate.budgets.v1}. */
    public BudgetDefinition definition() {
        return BudgetDefinition.newBuilder().setBudgetId(id)
                .setScopeType(BudgetScopeType.valueOf(scopeType.toUpperCase(Locale.ROOT))).setScopeId(scopeId)
                .setOrgId(orgId).setAmountMicros(amountMicros)
                .setPeriod(BudgetPeriod.valueOf(period.toUpperCase(Locale.ROOT))).setTimeZone(timeZone)
                .setThresholds(thresholdList())
                .setEnforcement(BudgetEnforcement.valueOf(enforcement.toUpperCase(Locale.ROOT)))
                .setUpdatedAt(updatedAt).build();
    }
}
