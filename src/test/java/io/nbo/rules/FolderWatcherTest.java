package io.nbo.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderWatcherTest {

    @TempDir
    Path dir;

    @Test
    void anEditedFileIsNoticed() throws Exception {
        Files.writeString(dir.resolve("a.drl"), "one");
        Semaphore changes = new Semaphore(0);
        try (FolderWatcher ignored = FolderWatcher.start(dir, changes::release).orElseThrow()) {
            Files.writeString(dir.resolve("a.drl"), "two");

            assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aConfigMapStyleSymlinkSwapIsNoticed() throws Exception {
        // How Kubernetes updates a ConfigMap volume: files are links through ..data, which is swapped atomically.
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_23_v1"));
        Files.writeString(v1.resolve("offers.yaml"), "offers: v1");
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("offers.yaml"), Path.of("..data", "offers.yaml"));
        Semaphore changes = new Semaphore(0);
        try (FolderWatcher ignored = FolderWatcher.start(dir, changes::release).orElseThrow()) {
            Path v2 = Files.createDirectory(dir.resolve("..2026_11_23_v2"));
            Files.writeString(v2.resolve("offers.yaml"), "offers: v2");
            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            assertThat(changes.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("offers.yaml"))).isEqualTo("offers: v2");
            assertThat(RuleSetCompiler.readFolder(dir)).containsEntry("offers.yaml", "offers: v2");
        }
    }
}
