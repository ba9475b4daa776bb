package dev.tollgate.gateway.routing;

import dev.tollgate.gateway.config.GatewayConfig;
import java.lang.reflect.Proxy;
import java.util.List;

/** A {@link GatewayConfig} whose bootstrap registers no endpoint; nothing else of it is read by the registry. */
final class NoEndpointsConfig {

    private NoEndpointsConfig() {
    }

    static GatewayConfig create() {
        GatewayConfig.Bootstrap bootstrap = (GatewayConfig.Bootstrap) Proxy.newProxyInstance(
                GatewayConfig.class.getClassLoader(), new Class<?>[] {GatewayConfig.Bootstrap.class},
                (proxy, method, args) -> method.getName().equals("endpoints") ? List.of() : null);
        return (GatewayConfig) Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class},
                (proxy, method, args) -> method.getName().equals("bootstrap") ? bootstrap : null);
    }
}
