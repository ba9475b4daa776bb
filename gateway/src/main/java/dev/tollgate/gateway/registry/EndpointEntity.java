package dev.tollgate.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A registered endpoint row. Its upstream API key is stored only sealed ({@code upstreamKeyKekId} and
 * {@code upstreamKeyEnvelope}, see {@code secrets.SecretSealer}): the plaintext column is empty and a constraint keeps it
 * so (migration V9). Prices are integer micro-dollars per million tokens.
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

    /** Id of the key-encryption key that wraps the upstream key's data key; null when there is no upstream key. */
    @Column(name = "upstream_key_kek_id")
    public String upstreamKeyKekId;

    /** The sealed upstream key (wrapped data key, nonce, ciphertext); null when there is none. */
    @Column(name = "upstream_key_envelope")
    public byte[] upstreamKeyEnvelope;

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
