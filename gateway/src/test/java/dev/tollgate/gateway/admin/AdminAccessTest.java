package dev.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which token an Authorization header carries: admin, read-only, or none. */
class AdminAccessTest {

    @Test
    void tellsTheAdminTokenFromTheReadOnlyTokenAndRefusesAnythingElse() {
        AdminAccess access = new AdminAccess(config("admin-secret", "console-secret"));

        assertThat(access.enabled()).isTrue();
        assertThat(access.of("Bearer admin-secret")).isEqualTo(AdminAccess.Level.ADMIN);
        assertThat(access.of("bearer console-secret")).isEqualTo(AdminAccess.Level.READ_ONLY);
        assertThat(access.of("Bearer admin-secret-but-longer")).isEqualTo(AdminAccess.Level.NONE);
        assertThat(access.of("Basic admin-secret")).isEqualTo(AdminAccess.Level.NONE);
        assertThat(access.of("Bearer ")).isEqualTo(AdminAccess.Level.NONE);
        assertThat(access.of(null)).isEqualTo(AdminAccess.Level.NONE);
    }

    @Test
    void aBlankReadOnlyTokenOpensNothing() {
        AdminAccess access = new AdminAccess(config("admin-secret", " "));

        assertThat(access.of("Bearer  ")).isEqualTo(AdminAccess.Level.NONE);
        assertThat(access.of("Bearer admin-secret")).isEqualTo(AdminAccess.Level.ADMIN);
    }

    @Test
    void withoutAnyTokenTheAdminApiIsOff() {
        assertThat(new AdminAccess(config(null, null)).enabled()).isFalse();
    }

    private static AdminConfig config(String token, String readOnly) {
        return (AdminConfig) Proxy.newProxyInstance(AdminConfig.class.getClassLoader(), new Class<?>[] {AdminConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "token" -> Optional.ofNullable(token);
                    case "readOnlyToken" -> Optional.ofNullable(readOnly);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
