package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.LocalInstallation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./tollgate-local} script itself: it must refuse an old JDK before building or starting anything. */
class LauncherScriptIT {

    @TempDir
    Path fakeJdk;

    @Test
    void refusesAJdkOlderThan17WithAClearMessage() throws Exception {
        Path java = Files.createDirectories(fakeJdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = LocalInstallation.fromBuild().projectRoot();

        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("tollgate-local").toString())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", fakeJdk.toString());
        Process script = builder.start();
        assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(script.exitValue()).isEqualTo(1);
        assertThat(output).contains("Java 11").contains("needs JDK 17 or newer").doesNotContain("Building");
    }
}
