package dev.tollgate.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A registered endpoint row. {@code upstreamApiKey} is a secret: it is published to gateways (which need it),
 * but never logged and never returned by the admin API. Prices are integer micro-dollars per million tokens.
 */
@Entity
@Table(name = "endpoints")
public class EndpointEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String model;

    /** {@code development}, {@code staging} or {@code production}. */
    @Column(nullable = false)
    public String environment;

    @Column(name = "base_url", nullable = false)
    public String baseUrl;

    @Column(name = "upstream_api_key")
    public String upstreamApiKey;

    @Column(nullable = false)
    public int weight;

    /** {@code ready}, {@code disabled} or {@code draining}. */
    @Column(nullable = false)
    public String status;

    @Column(name = "input_price_per_million_micros", nullable = false)
    public long inputPricePerMillionMicros;

    @Column(name = "output_price_per_million_micros", nullable = false)
    public long outputPricePerMillionMicros;

    @Column(name = "price_version", nullable = false)
    public int priceVersion;

    @Column(name = "max_context")
    public Integer maxContext;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Version
    public long version;

    @Override
    public String toString() {
        return "EndpointEntity[id=" + id + ", model=" + model + ", environment=" + environment + "]";
    }
}
