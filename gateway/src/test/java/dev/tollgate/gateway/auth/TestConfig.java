package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A {@link GatewayConfig} with a bootstrap key for org {@code acme}, for unit tests without Quarkus. */
final class TestConfig implements GatewayConfig {

    static final String KEY = "tg_test_0123456789abcdefghijklmnop";

    @Override
    public Limits limits() {
        return new Limits() {
            public long maxBodyBytes() {
                return 1024;
            }

            public int maxHeaderBytes() {
                return 1024;
            }
        };
    }

    @Override
    public Upstream upstream() {
        return new Upstream() {
            public Duration connectTimeout() {
                return Duration.ofSeconds(1);
            }

            public Duration requestTimeout() {
                return Duration.ofSeconds(5);
            }

            public int maxConnectionsPerEndpoint() {
                return 10;
            }
        };
    }

    @Override
    public Events events() {
        return new Events() {
            public int bufferCapacity() {
                return 10;
            }

            public WhenFull whenFull() {
                return WhenFull.FAIL_CLOSED;
            }

            public double readinessHighWater() {
                return 0.8;
            }

            public Optional<List<String>> captureContentOrgs() {
                return Optional.empty();
            }

            public String compression() {
                return "none";
            }
        };
    }

    @Override
    public AccessLog accessLog() {
        return () -> 65_536;
    }

    @Override
    public Registry registry() {
        return () -> "http://localhost:1";
    }

    @Override
    public Bootstrap bootstrap() {
        return new Bootstrap() {
            public Optional<String> apiKey() {
                return Optional.of(KEY);
            }

            public String orgId() {
                return "acme";
            }

            public String keyId() {
                return "key-1";
            }

            public List<BootstrapEndpoint> endpoints() {
                return List.of();
            }
        };
    }
}
