package io.pushcap.pipeline;

import io.pushcap.LockedException;
import io.pushcap.PushcapException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One push per target and state directory; the refusal names the holder's pid. */
class TargetLockTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondHolderNamingThePidWhenTheTargetIsLocked() {
        try (TargetLock first = TargetLock.acquire(dir, "pcap all", "target 'pcap all'")) {
            assertThat(first.file()).isEqualTo(dir.resolve("locks/pcap_all.lock"));
            assertThatThrownBy(() -> TargetLock.acquire(dir, "pcap all", "target 'pcap all'"))
                    .isInstanceOf(LockedException.class)
                    .hasMessageContaining("target 'pcap all': another push of this target is running (pid "
                            + ProcessHandle.current().pid() + ", this process,");
            // The refusal did not release the first holder's lock: another process is still refused.
            assertThat(heldByAnotherProcess(first.file())).isTrue();
            // Another target of the same state directory is independent.
            TargetLock.acquire(dir, "tcp", "target 'tcp'").close();
        }
        TargetLock.acquire(dir, "pcap all", "target 'pcap all'").close();
    }

    /** Probes the fcntl lock from a separate process (python's lockf), as a second push would. */
    private static boolean heldByAnotherProcess(Path lock) {
        io.pushcap.testing.Cmd.Result r = io.pushcap.testing.Cmd.run("python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                        + " print('free')\nexcept OSError:\n print('held')", lock.toString());
        return r.stdout().strip().equals("held");
    }

    @Test
    void shouldNameTheStateDirWhenItIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "x");
        assertThatThrownBy(() -> TargetLock.acquire(file, "t", "target 't'"))
                .isInstanceOf(PushcapException.class).isNotInstanceOf(LockedException.class)
                .hasMessage("target 't': --state-dir " + file.resolve("locks") + ": " + file + " is a file, not a directory");
    }
}
