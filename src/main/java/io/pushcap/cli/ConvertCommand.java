package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PacketWriter;
import io.pushcap.pcap.PcapngWriter;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.pipeline.filter.LinkTypeFilters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap convert IN OUT}: reads pcap or pcapng and writes classic pcap, optionally
 * through a BPF filter, like {@code tcpdump -r IN -w OUT [filter]}; pcapng when OUT ends in
 * {@code .pcapng} or {@code --pcapng} is given (every link type and interface kept).
 */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Read pcap/pcapng, write pcap (ns by default) or, for an OUT named *.pcapng or with --pcapng, pcapng; optionally filtered.")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "input capture (pcap or pcapng), or - for stdin")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "output file (pcapng when named *.pcapng), or - for stdout")
    Path out;

    @Option(names = "--pcapng", description = "write pcapng (ns timestamps; every link type of the input kept), whatever OUT is named")
    boolean pcapng;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF", description = "tcpdump filter expression")
    String filter;

    @Option(names = "--micro", description = "write microsecond timestamps instead of nanoseconds")
    boolean micro;

    @Option(names = "--repeat", paramLabel = "N", hidden = true,
            description = "benchmark aid: convert N times in this JVM, printing 'pass SECONDS' for each")
    int repeat = 1;

    @Override
    public Integer call() throws Exception {
        for (int i = 0; i < Math.max(1, repeat); i++) {
            long t0 = System.nanoTime();
            int code = convertOnce();
            if (code != ExitCodes.OK) {
                return code;
            }
            if (repeat > 1) {
                System.err.printf("pass %.3f%n", (System.nanoTime() - t0) / 1e9);
            }
        }
        return ExitCodes.OK;
    }

    /** Converts once; a write that fails midway is reported in one line and exits INCOMPLETE. */
    private int convertOnce() throws Exception {
        Packet p = new Packet();
        boolean stdout = out.toString().equals("-");
        boolean ng = pcapng || (!stdout && out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pcapng"));
        if (ng && micro) {
            throw new PushcapException("--micro: pcapng output keeps nanoseconds (name OUT *.pcap for microsecond pcap)");
        }
        try (CaptureReader reader = CaptureFiles.open(in)) {
            TimestampPrecision precision = micro ? TimestampPrecision.MICRO : TimestampPrecision.NANO;
            int snaplen = reader.snaplen() > 0 ? reader.snaplen() : 262_144;
            // Compiled again for each further link type of a mixed pcapng, as tcpdump would per file.
            LinkTypeFilters bpf = filter == null || filter.isBlank() ? null
                    : new LinkTypeFilters(BpfFilter.compile(filter, reader.linkType(), snaplen), snaplen);
            try (PacketWriter writer = ng ? pcapngWriter(snaplen, stdout)
                    : stdout
                    ? new PcapWriter(Channels.newChannel(System.out), reader.linkType(), snaplen, precision)
                    : PcapWriter.create(out, reader.linkType(), snaplen, precision)) {
                while (reader.next(p)) {
                    if (!writer.accepts(p.linkType())) {
                        throw new PushcapException(in + ": packet " + reader.recordsRead() + " has link type "
                                + p.linkType() + " but the output is " + reader.linkType()
                                + "; a pcap file holds one link type (write pcapng: OUT.pcapng or --pcapng)");
                    }
                    if (bpf == null || bpf.matches(p)) {
                        writer.write(p);
                    }
                }
            } catch (java.io.IOException e) {
                System.err.println("pushcap convert: " + out + ": cannot write: " + io.pushcap.internal.IoProblems.describe(e)
                        + " (the output holds the packets written before the failure)");
                return ExitCodes.INCOMPLETE;
            } finally {
                if (bpf != null) {
                    bpf.close();
                }
            }
        }
        return ExitCodes.OK;
    }

    private PacketWriter pcapngWriter(int snaplen, boolean stdout) {
        if (stdout) {
            return new PcapngWriter(new java.io.BufferedOutputStream(System.out, 1 << 16), snaplen);
        }
        try {
            return new PcapngWriter(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(out), 1 << 20),
                    snaplen);
        } catch (java.io.IOException e) {
            throw new PushcapException(out + ": cannot create the output: " + io.pushcap.internal.IoProblems.describe(e));
        }
    }
}
