package io.pushcap.it;

import io.pushcap.testsupport.IpfixUdpCollector;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 7: a collector named in the template file and again with {@code --collector}
 * (under another spelling of the same address) gets each record once, not twice.
 */
class FlowsCollectorIT {
    private static final Pattern FLOWS = Pattern.compile("(\\d+) flows exported as (\\d+) records");

    @Test
    void shouldSendEachRecordOnceWhenCollectorIsInTemplateFileAndOnCommandLine(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("mixed.pcap");
        PushcapCli.run(dir, "gen", "-w", capture.toString(), "--size", "1m", "--mix", "mixed").ok();
        try (IpfixUdpCollector collector = new IpfixUdpCollector()) {
            Path template = dir.resolve("flows.yaml");
            // The seed's layout; "localhost" is the same collector as --collector 127.0.0.1.
            Files.writeString(template, "collectors:\n- address: localhost:" + collector.port() + "\n"
                    + "- address: 127.0.0.1:" + collector.port() + "\n  protocol: udp\n");
            PushcapCli.Result r = PushcapCli.run(dir, "flows", "export", "--offline", capture.toString(),
                    "--template", template.toString(), "--collector", "127.0.0.1:" + collector.port(),
                    "--collector", "127.0.0.1:" + collector.port() + "/udp").ok();
            Matcher m = FLOWS.matcher(r.stderr());
            assertThat(m.find()).as("summary in %s", r.stderr()).isTrue();
            long flows = Long.parseLong(m.group(1));
            assertThat(flows).isGreaterThan(100);
            assertThat(Long.parseLong(m.group(2))).isEqualTo(flows);

            collector.receiveUntil(() -> collector.records() >= flows, Duration.ofMillis(500), Duration.ofSeconds(20));
            assertThat(collector.records()).as("data records at the collector").isEqualTo(flows);
            assertThat(collector.sequenceErrors()).as("one sequence of messages, not two interleaved").isZero();
            assertThat(r.stderr()).contains("sending each record to it once");
        }
    }
}
