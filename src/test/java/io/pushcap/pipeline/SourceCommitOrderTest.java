package io.pushcap.pipeline;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.testing.Cmd;
import io.pushcap.testing.Frames;
import io.pushcap.testsupport.Targets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that keeps its own progress (a Kafka consumer group) and the target's cursor: the
 * source commits first, and a commit that fails leaves the cursor where it was. Otherwise a
 * restart, which begins where the source committed, names the split it produces again after its
 * first copy ({@code _001}) and publishes its packets twice (KafkaPushIT's random kills found it).
 */
class SourceCommitOrderTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_704_067_200L * SECOND;
    private static final int PACKETS = 300;

    @TempDir
    Path dir;

    /** What a broker keeps for the group: the offset after the last committed packet. */
    private static final class Group {
        long committed;
    }

    /**
     * Packets one a second, read from where {@link Group} committed last, as a consumer group
     * member does; a position of an earlier process (the target's cursor) does not move it.
     */
    private static final class GroupLikeSource implements PacketSource {
        final Group group;
        final Path cursorFile;
        final Set<Integer> failingCommits;
        final int crashAt;
        final List<String> cursorAtCommit = new ArrayList<>();
        int index;
        int commits;

        GroupLikeSource(Group group, Path cursorFile, Set<Integer> failingCommits, int crashAt) {
            this.group = group;
            this.cursorFile = cursorFile;
            this.failingCommits = failingCommits;
            this.crashAt = crashAt;
            this.index = (int) group.committed;
        }

        @Override
        public boolean next(Packet p) {
            if (index == crashAt) {
                throw new IllegalStateException("simulated crash at packet " + index);
            }
            if (index >= PACKETS) {
                return false;
            }
            byte[] f = Frames.udp(0x0a000001, 0x0a000002, 1000, 2000 + index, 64, index);
            p.set(MemorySegment.ofArray(f), 0, f.length, f.length, T0 + index * SECOND, 1, 0);
            index++;
            return true;
        }

        @Override
        public boolean await(long timeoutNanos) {
            return false;
        }

        @Override
        public boolean ended() {
            return index >= PACKETS;
        }

        @Override
        public SourcePosition position() {
            return new SourcePosition(index, 0, 0);
        }

        @Override
        public SourcePosition positionOfLast() {
            return new SourcePosition(index - 1, 0, 0);
        }

        @Override
        public void seek(SourcePosition position) {
            // As KafkaGroupSource: the group's committed offsets stand where a restart begins.
        }

        @Override
        public boolean committed(SourcePosition upTo) {
            try {
                cursorAtCommit.add(Files.exists(cursorFile) ? Files.readString(cursorFile) : "");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (failingCommits.contains(++commits)) {
                return false;
            }
            group.committed = upTo.major();
            return true;
        }

        @Override
        public long lostPackets() {
            return 0;
        }

        @Override
        public int linkType() {
            return 1;
        }

        @Override
        public int snaplen() {
            return 65535;
        }

        @Override
        public String describe() {
            return "group-like source";
        }

        @Override
        public void close() {
        }
    }

    private TargetRunner run(String tag, Path out, GroupLikeSource source) throws IOException {
        TargetConfig t = Targets.target("t", Mode.FILE, out + "/");
        PushJob.Options options = new PushJob.Options(null, List.of(), dir.resolve("logs-" + tag),
                dir.resolve("state-" + tag.replaceAll("-.*", "")), dir, false, RetryPolicy.DEFAULT, 60_000, 1000);
        TargetRunner runner = new TargetRunner(new PlanBuilder(options, MetricsRegistry.global()).build(t, source, true));
        runner.run();
        return runner;
    }

    private Path cursor(String tag) {
        return dir.resolve("state-" + tag).resolve("cursors").resolve("t.json");
    }

    private static List<String> names(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldCommitTheSourceBeforeSavingTheCursorWhenASplitIsPublished() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        GroupLikeSource source = new GroupLikeSource(new Group(), cursor("a"), Set.of(), -1);
        assertThat(run("a", out, source).state()).isEqualTo(TargetRunner.State.DONE);
        assertThat(names(out)).hasSize(5);
        // At each commit the cursor still names the split before the one just published.
        assertThat(source.cursorAtCommit).hasSize(5);
        List<String> published = names(out);
        for (int i = 0; i < 5; i++) {
            String before = source.cursorAtCommit.get(i);
            assertThat(before).as("cursor at commit %d", i + 1).doesNotContain(published.get(i));
            if (i > 0) {
                assertThat(before).as("cursor at commit %d", i + 1).contains(published.get(i - 1));
            }
        }
    }

    @Test
    void shouldPublishEachSplitOnceUnderItsNameWhenACommitFailsAndTheWorkerRestarts() throws IOException {
        Path ref = Files.createDirectories(dir.resolve("ref"));
        run("ref", ref, new GroupLikeSource(new Group(), cursor("ref"), Set.of(), -1));

        Path out = Files.createDirectories(dir.resolve("out"));
        Group group = new Group();
        // The third split's commit fails, and the worker dies inside the fourth split.
        GroupLikeSource first = new GroupLikeSource(group, cursor("b"), Set.of(3), 200);
        assertThat(run("b-1", out, first).state()).isEqualTo(TargetRunner.State.FAILED);
        assertThat(names(out)).hasSize(3);
        assertThat(group.committed).as("the group's offset after two commits").isEqualTo(120);
        assertThat(Files.readString(cursor("b"))).as("the cursor stays with the group's commit")
                .contains(names(out).get(1)).doesNotContain(names(out).get(2));

        GroupLikeSource second = new GroupLikeSource(group, cursor("b"), Set.of(), -1);
        assertThat(run("b-2", out, second).state()).isEqualTo(TargetRunner.State.DONE);
        assertThat(names(out)).isEqualTo(names(ref));
        long total = 0;
        for (String name : names(ref)) {
            assertThat(Files.mismatch(ref.resolve(name), out.resolve(name))).as(name).isEqualTo(-1L);
            total += Cmd.capinfosPackets(out.resolve(name));
        }
        assertThat(total).as("packets in the splits, counted by capinfos").isEqualTo(PACKETS);
    }
}
