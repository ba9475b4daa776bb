package dev.tollgate.gateway.routing;

import dev.tollgate.gateway.config.BootstrapConfig;
import java.lang.reflect.Proxy;
import java.util.List;

/** A {@link BootstrapConfig} that registers no endpoint; nothing else of it is read by the registry. */
final class NoEndpointsConfig {

    private NoEndpointsConfig() {
    }

    static BootstrapConfig create() {
        return (BootstrapConfig) Proxy.newProxyInstance(BootstrapConfig.class.getClassLoader(),
                new Class<?>[] {BootstrapConfig.class},
                (proxy, method, args) -> method.getName().equals("endpoints") ? List.of() : null);
    }
}
