package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Price FREE = new Price(0, 0, 1);

    private final AtomicLong now = new AtomicLong();
    private final EndpointRegistry registry = new EndpointRegistry();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EndpointStates states = new EndpointStates(meters,
            new CircuitBreaker.Settings(2, 1.0, 10, 10, Duration.ofSeconds(5)), now::get);
    private final Random random = new Random(5);
    private final Router router = new Router(registry, states, () -> random, new RetryPolicy(2),
            Duration.ofSeconds(300), Map.of("slow-model", Duration.ofMinutes(20)));

    @Test
    void neverChoosesAnEndpointTheRequestAlreadyTriedWhileAnotherIsRoutable() {
        register("a", Environment.PRODUCTION);
        register("b", Environment.PRODUCTION);

        for (int i = 0; i < 100; i++) {
            Lease lease = chosen(router.select("m", Environment.PRODUCTION, Set.of("a")));
            assertThat(lease.endpoint().id()).isEqualTo("b");
            lease.succeeded();
        }
    }

    @Test
    void triesTheSameEndpointAgainWhenItIsTheOnlyOne() {
        register("a", Environment.PRODUCTION);

        assertThat(chosen(router.select("m", Environment.PRODUCTION, Set.of("a"))).endpoint().id()).isEqualTo("a");
    }

    @Test
    void sendsTheNextRequestToTheEndpointWithFewerOutstanding() {
        register("a", Environment.PRODUCTION);
        register("b", Environment.PRODUCTION);
        Lease first = chosen(router.select("m", Environment.PRODUCTION, Set.of()));

        Lease second = chosen(router.select("m", Environment.PRODUCTION, Set.of()));

        assertThat(second.endpoint().id()).isNotEqualTo(first.endpoint().id());
        assertThat(states.of(first.endpoint()).outstanding()).isEqualTo(1);
        first.succeeded();
        first.failed();
        assertThat(states.of(first.endpoint()).outstanding()).isZero();
    }

    @Test
    void skipsEndpointsWhoseBreakerIsOpenOrThatAreDown() {
        Endpoint a = register("a", Environment.PRODUCTION);
        register("b", Environment.PRODUCTION);
        Endpoint c = register("c", Environment.PRODUCTION);
        openBreaker(a);
        states.of(c).checked(false, 1, 1);

        for (int i = 0; i < 50; i++) {
            Lease lease = chosen(router.select("m", Environment.PRODUCTION, Set.of()));
            assertThat(lease.endpoint().id()).isEqualTo("b");
            lease.succeeded();
        }
    }

    @Test
    void reportsNoneRoutableWhenEveryEndpointIsOutAndNotServedForAnotherEnvironment() {
        Endpoint a = register("a", Environment.PRODUCTION);
        openBreaker(a);

        assertThat(router.select("m", Environment.PRODUCTION, Set.of())).isInstanceOf(Router.NoneRoutable.class);
        assertThat(router.select("m", Environment.STAGING, Set.of())).isInstanceOf(Router.NotServed.class);
        assertThat(router.select("other", Environment.PRODUCTION, Set.of())).isInstanceOf(Router.NotServed.class);
    }

    @Test
    void sendsARequestOnlyToEndpointsOfItsEnvironment() {
        register("prod", Environment.PRODUCTION);
        register("stage", Environment.STAGING);

        for (int i = 0; i < 50; i++) {
            Lease lease = chosen(router.select("m", Environment.STAGING, Set.of()));
            assertThat(lease.endpoint().id()).isEqualTo("stage");
            lease.succeeded();
        }
    }

    @Test
    void givesTheHalfOpenProbeToOneRequestOnly() {
        Endpoint a = register("a", Environment.PRODUCTION);
        openBreaker(a);
        now.addAndGet(Duration.ofSeconds(5).toNanos());

        Lease probe = chosen(router.select("m", Environment.PRODUCTION, Set.of()));

        assertThat(probe.probe()).isTrue();
        assertThat(router.select("m", Environment.PRODUCTION, Set.of())).isInstanceOf(Router.NoneRoutable.class);
        probe.succeeded();
        assertThat(states.of(a).breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void exposesHealthAndDropsTheStateOfRemovedEndpoints() {
        Endpoint a = register("a", Environment.PRODUCTION);
        chosen(router.select("m", Environment.PRODUCTION, Set.of()));

        List<EndpointHealth> health = router.health();

        assertThat(health).singleElement().satisfies(h -> {
            assertThat(h.id()).isEqualTo("a");
            assertThat(h.up()).isTrue();
            assertThat(h.breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(h.outstanding()).isEqualTo(1);
            assertThat(h.dispatched()).isEqualTo(1);
        });
        assertThat(meters.find("tollgate.endpoint.outstanding").tag("endpoint", "a").gauge().value()).isEqualTo(1);
        registry.remove(a.id());
        states.retainOnly(Set.of());
        assertThat(meters.find("tollgate.endpoint.outstanding").tag("endpoint", "a").gauge()).isNull();
    }

    @Test
    void usesTheModelsOwnTimeoutOrTheDefault() {
        assertThat(router.requestTimeout("slow-model")).isEqualTo(Duration.ofMinutes(20));
        assertThat(router.requestTimeout("m")).isEqualTo(Duration.ofSeconds(300));
    }

    private Endpoint register(String id, Environment environment) {
        Endpoint endpoint = new Endpoint(id, "m", URI.create("http://127.0.0.1:1"), FREE, 1, environment);
        registry.register(endpoint);
        return endpoint;
    }

    private void openBreaker(Endpoint endpoint) {
        CircuitBreaker breaker = states.of(endpoint).breaker();
        breaker.failed(breaker.acquire());
        breaker.failed(breaker.acquire());
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    private static Lease chosen(Router.Selection selection) {
        assertThat(selection).isInstanceOf(Router.Chosen.class);
        return ((Router.Chosen) selection).lease();
    }
}
