package io.pushcap.config;

import java.util.Map;

/**
 * One resolved push target from push_pcap.lua, after validation: every field holds a legal
 * value, defaults applied (globals such as {@code Config.Decap} folded in).
 *
 * @param desc              {@code Desc}: the target's name, used in logs and metrics
 * @param mode              {@code Mode}
 * @param path              {@code Path}: prefix of every output location
 * @param split             {@code Split}
 * @param splitCmd          {@code SplitCmd}: appliance-specific; accepted and logged, not used
 * @param fileName          {@code FileName}
 * @param filterBpf         {@code FilterBPF}; null means every packet
 * @param decap             {@code Decap}: filter on the innermost packet
 * @param writeDecapsulated {@code WriteDecap} (pushcap): write the decapsulated frame, not the captured one
 * @param pipeCmd           {@code PipeCmd}: external stdin to stdout compressor, or null
 * @param compress          {@code Compress} (pushcap): in-process "gzip", "zstd", "lz4", "xz" with
 *                          optional ":level", or null
 * @param fileSuffix        {@code FileSuffix}; ".pcap" by default
 * @param chunked           {@code Chunked}: accepted; pushcap always batches
 * @param followStart       {@code FollowStart}: start at the beginning of the source
 * @param cpu               {@code CPU}: pin the target's thread, or -1
 * @param ringTimeoutExit   {@code StreamCat = "--ring-timeout-exit "}
 * @param filterFrame       {@code FilterFrame}: a second BPF applied to the captured frame
 *                          (before decap), or null
 * @param scriptNew         {@code ScriptNew}: command run after each published file, or null
 * @param source            {@code Source} (pushcap): ring path or capture name, or null for the default
 * @param timeoutRingNanos  {@code TimeoutRing}: close an open split after this long without packets
 * @param maxMbps           {@code MaxMbps} (pushcap): bandwidth cap, 0 for none
 * @param options           mode-specific keys (S3 {@code Endpoint}/{@code Region}/{@code PathStyle},
 *                          TAP {@code Encap}/{@code Key}/...), by Lua key name
 * @param sourceFile        the config file, for messages
 * @param line              the line of the target's table in the config, or -1 when unknown
 * @param retry             {@code RetryMax}, {@code RetryFor}, {@code PipeTimeout}, {@code ScriptTimeout}
 *                          (pushcap): how long an offline push retries a failing target, and the
 *                          timeouts of one attempt
 * @param keep              {@code KeepFiles}, {@code KeepBytes} (pushcap): how much published output
 *                          the target keeps (file Modes); {@link KeepLimits#NONE} keeps all
 */
public record TargetConfig(
        String desc,
        Mode mode,
        String path,
        SplitRule split,
        String splitCmd,
        FileNameFormat fileName,
        String filterBpf,
        boolean decap,
        boolean writeDecapsulated,
        String pipeCmd,
        String compress,
        String fileSuffix,
        boolean chunked,
        boolean followStart,
        int cpu,
        boolean ringTimeoutExit,
        String filterFrame,
        String scriptNew,
        String source,
        long timeoutRingNanos,
        double maxMbps,
        Map<String, String> options,
        String sourceFile,
        int line,
        RetryBudget retry,
        KeepLimits keep) {

    /** A target with the default retry budget ({@link RetryBudget#DEFAULT}). */
    public TargetConfig(String desc, Mode mode, String path, SplitRule split, String splitCmd, FileNameFormat fileName,
                        String filterBpf, boolean decap, boolean writeDecapsulated, String pipeCmd, String compress,
                        String fileSuffix, boolean chunked, boolean followStart, int cpu, boolean ringTimeoutExit,
                        String filterFrame, String scriptNew, String source, long timeoutRingNanos, double maxMbps,
                        Map<String, String> options, String sourceFile, int line) {
        this(desc, mode, path, split, splitCmd, fileName, filterBpf, decap, writeDecapsulated, pipeCmd, compress,
                fileSuffix, chunked, followStart, cpu, ringTimeoutExit, filterFrame, scriptNew, source, timeoutRingNanos,
                maxMbps, options, sourceFile, line, RetryBudget.DEFAULT);
    }

    /** A target that keeps all its output ({@link KeepLimits#NONE}). */
    public TargetConfig(String desc, Mode mode, String path, SplitRule split, String splitCmd, FileNameFormat fileName,
                        String filterBpf, boolean decap, boolean writeDecapsulated, String pipeCmd, String compress,
                        String fileSuffix, boolean chunked, boolean followStart, int cpu, boolean ringTimeoutExit,
                        String filterFrame, String scriptNew, String source, long timeoutRingNanos, double maxMbps,
                        Map<String, String> options, String sourceFile, int line, RetryBudget retry) {
        this(desc, mode, path, split, splitCmd, fileName, filterBpf, decap, writeDecapsulated, pipeCmd, compress,
                fileSuffix, chunked, followStart, cpu, ringTimeoutExit, filterFrame, scriptNew, source, timeoutRingNanos,
                maxMbps, options, sourceFile, line, retry, KeepLimits.NONE);
    }

    /** Key in {@link #options()} that holds the output format when it is not pcap. */
    public static final String FORMAT_KEY = "Format";
    /** Key in {@link #options()} that holds the consumer group of a {@code kafka://} Source. */
    public static final String GROUP_KEY = "Group";
    /**
     * Prefix in {@link #options()} of the {@code KafkaConsumer} table: settings of the consumer
     * that reads a {@code kafka://} source for this target.
     */
    public static final String CONSUMER_PREFIX = "consumer.";

    /** The {@code KafkaConsumer} settings, names without the prefix. */
    public java.util.Map<String, String> consumerSettings() {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        options().forEach((k, v) -> {
            if (k.startsWith(CONSUMER_PREFIX)) {
                m.put(k.substring(CONSUMER_PREFIX.length()), v);
            }
        });
        return m;
    }
    public static final String FORMAT_PCAPNG = "pcapng";
    /** Key in {@link #options()} that holds {@link #DIGEST_NONE} when the manifest carries no digest. */
    public static final String DIGEST_KEY = "Digest";
    public static final String DIGEST_NONE = "none";

    /** True unless {@code Digest = "none"}: each published file's SHA-256 goes into the manifest. */
    public boolean digest() {
        return !DIGEST_NONE.equals(options.get(DIGEST_KEY));
    }

    /**
     * True when splits are written as pcapng ({@code Format = "pcapng"}, or a FileSuffix such as
     * ".pcapng"), which holds packets of every link type and interface; else pcap.
     */
    public boolean pcapngOutput() {
        return FORMAT_PCAPNG.equals(options.get(FORMAT_KEY));
    }

    /** "target 'nfs-tcp'" for the front of error messages. */
    public String label() {
        return "target '" + desc + "'";
    }

    /** The libpcap primitives that test encapsulation headers themselves (docs/configuration.md). */
    private static final java.util.regex.Pattern ENCAP_PRIMITIVES =
            java.util.regex.Pattern.compile("\\b(vlan|mpls|pppoes|geneve)\\b");

    /**
     * True when FilterBPF names an encapsulation primitive ({@code vlan}, {@code mpls},
     * {@code pppoes}, {@code geneve}). Such a filter is matched against the
     * frame as captured, even with Decap on: those primitives test the very headers Decap
     * removes, and libpcap gives them a meaning (step past the header, test the rest) only on
     * the captured frame. So {@code FilterBPF = "vlan 1"} selects what {@code tcpdump 'vlan 1'}
     * selects.
     */
    public boolean filterOnCapturedFrame() {
        return filterBpf != null && ENCAP_PRIMITIVES.matcher(filterBpf).find();
    }

    public String option(String key, String fallback) {
        String v = options.get(key);
        return v == null ? fallback : v;
    }
}
