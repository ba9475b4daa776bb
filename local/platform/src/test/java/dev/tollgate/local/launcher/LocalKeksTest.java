package dev.tollgate.local.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeksTest {

    @Test
    void generatesOneKekPerDataDirectoryOnceReadableByItsOwnerOnly(@TempDir Path dataDir) throws Exception {
        Path dir = LocalKeks.ensure(dataDir);
        String first = Files.readString(dir.resolve(LocalKeks.KEK_ID));

        Path again = LocalKeks.ensure(dataDir);

        assertThat(again).isEqualTo(dir);
        assertThat(Files.readString(again.resolve(LocalKeks.KEK_ID))).isEqualTo(first);
        assertThat(Base64.getDecoder().decode(first)).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(LocalKeks.KEK_ID))))
                .isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(LocalKeks.KEK_ID);
        }
    }
}
