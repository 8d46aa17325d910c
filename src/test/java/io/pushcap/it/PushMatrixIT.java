package io.pushcap.it;

import io.pushcap.config.FileNameFormat;
import io.pushcap.it.MatrixCell.Codec;
import io.pushcap.it.MatrixCell.PathForm;
import io.pushcap.it.MatrixCell.Sink;
import io.pushcap.it.MatrixCell.SplitForm;
import io.pushcap.it.MatrixCell.Suffix;
import io.pushcap.it.MatrixCell.Variant;
import io.pushcap.it.MatrixInputs.Input;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.testsupport.Exec;
import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.MiniJson;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push matrix of issue 11: every way a user can combine a push target's options, pushed with
 * the real launcher ({@code bin/pushcap push --force --offline}) and judged by the standard tools.
 *
 * <p><b>What is combined.</b> Nine factors: the sink (File, S3 on S3Proxy (Content-MD5 or CRC32C bodies, alternately), FTP on Apache
 * FtpServer, rclone to a local remote, rclone to an S3 remote on S3Proxy, LXC ring), the
 * {@code Split} form ({@code --split-time NS}, {@code --split-byte N}, {@code --split-size N}),
 * {@code TimeoutRing} set or not, every {@code FileName} encoder, {@code Path} as a directory
 * (ending in {@code /}) or a prefix, the compression (none, in-process gzip, zstd with a worker,
 * lz4, xz, and {@code PipeCmd = "gzip -1 -c"}), the {@code FileSuffix} (not set, with a dot,
 * without one as the seed's 1 GB example writes it), four {@code FilterBPF}s, and {@code Decap}
 * on or off. The full product is 51,856 distinct targets (16 of them LXC); the test covers
 * <b>every pair</b> of values instead (a pairwise covering array from {@link PairwiseCover},
 * deterministic, 43 rows; the test checks that every pair appears in some row). LXC is a stream, so its rows have no split, name, path
 * form, codec or suffix, and pairs of LXC with those are not required.
 *
 * <p><b>Inputs.</b> 5 MB of generated mixed traffic (tunnels, VLANs, MPLS) for the covering
 * array, all its targets in one config and one push; then small captures of other link types
 * ({@link MatrixInputs}) with a few targets each; then two rclone spellings (the test-written
 * rclone.conf through {@code RcloneConfig}, and the seed's {@code remote://path}).
 *
 * <p><b>Judge.</b> For every target: each output is fetched from where its sink put it (the
 * directory, S3Proxy through the AWS SDK, the FTP server's disk, the ring through the ring
 * reader), decompressed with the standard CLI, and read by tcpdump; the records of all the
 * target's files, in name order, must equal tcpdump's selection of the input
 * ({@code tcpdump -r in -w - FILTER}; with Decap, tcpdump's selection of the decapsulated twin)
 * byte for byte: time to the ns, lengths, data. Names must follow the encoder (recomputed here
 * from each file's packets) and sort in time order (compared without the suffix); the manifest
 * must list every file with its packet count and SHA-256; the push's summary must count
 * read = published + filtered with published equal to tcpdump's count.
 *
 * <p>A failing cell does not stop the others: the test reports every failing cell, named with
 * all its values, and where a known open bug explains it, says which.
 */
class PushMatrixIT {
    private static final String BUCKET = "mxbucket";
    private static final String RCLONE_BUCKET = "mxrclone";
    private static final List<String> FILTERS = List.of("", "tcp", "udp", "net 10.0.0.0/8 or icmp");
    private static final FileNameFormat[] NAMES = FileNameFormat.values();
    /** Factor sizes: sink, split, TimeoutRing, FileName, path form, codec, suffix, filter, decap. */
    private static final int[] LEVELS = {Sink.values().length, SplitForm.values().length, 2, NAMES.length,
            PathForm.values().length, Codec.values().length, Suffix.values().length, FILTERS.size(), 2};
    /** The factors a stream sink (LXC) does not have. */
    private static final Set<Integer> FILE_ONLY = Set.of(1, 3, 4, 5, 6);
    private static final long SEED = 11;
    private static final Pattern SUMMARY = Pattern.compile(
            "^(\\S+)\\s+(\\w+)\\s+files (\\d+), packets read (\\d+) = published (\\d+) \\+ filtered (\\d+) \\+ dropped (\\d+)(?: : (.*))?$",
            Pattern.MULTILINE);

    private Path tmp;
    private S3ProxyServer s3;
    private S3Client s3client;
    private FtpTestServer ftp;
    private Path rings;
    private final Map<String, List<PcapRecords.Rec>> selections = new ConcurrentHashMap<>();

    private record Run(String name, Input input, List<MatrixCell> cells) {
    }

    private record Summary(String state, long files, long read, long published, long filtered, long dropped,
                           String error) {
    }

    private record Output(String name, Path raw) {
    }

    @Test
    void shouldPublishTcpdumpsSelectionRecordForRecordWhenEveryPairOfSplitNameCodecAndSinkIsPushed(@TempDir Path temp)
            throws Exception {
        // -Dpushcap.matrix.keep=DIR keeps configs, logs and outputs there for a look after a failure.
        String keep = System.getProperty("pushcap.matrix.keep");
        Path dir = keep == null ? temp : Files.createDirectories(Path.of(keep));
        tmp = dir;
        rings = Files.createDirectories(Path.of("/dev/shm", "pushcap-matrix-" + ProcessHandle.current().pid()));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<S3ProxyServer> s3f = pool.submit(() -> S3ProxyServer.start(dir.resolve("s3"), false));
            Input generated = MatrixInputs.generated(dir);
            List<Input> linkInputs = MatrixInputs.linkTypes(dir);
            ftp = FtpTestServer.start(dir.resolve("ftp"));
            long t0 = System.nanoTime();
            s3 = s3f.get();
            System.out.printf("inputs ready; waited %d ms more for S3Proxy%n", (System.nanoTime() - t0) / 1_000_000);
            s3client = s3.client();
            s3client.createBucket(b -> b.bucket(BUCKET));
            s3client.createBucket(b -> b.bucket(RCLONE_BUCKET));

            PairwiseCover cover = new PairwiseCover(LEVELS, 0, Sink.LXC.ordinal(), FILE_ONLY);
            List<int[]> rows = cover.generate(SEED);
            assertThat(cover.missingPairs(rows)).as("pairs of values no row of the matrix covers").isEmpty();

            List<Run> runs = new ArrayList<>();
            runs.add(new Run("generated", generated, cells(rows, generated)));
            runs.add(new Run("rclone-conf", generated, List.of(rcloneVariant("rc1", generated, Variant.RCLONE_CONFIG_FILE))));
            runs.add(new Run("rclone-seed", generated, List.of(rcloneVariant("rc2", generated, Variant.RCLONE_SEED_FORM))));
            runs.addAll(linkTypeRuns(linkInputs));

            List<Future<List<String>>> results = new ArrayList<>();
            for (Run run : runs) {
                results.add(pool.submit(() -> pushAndJudge(run)));
            }
            List<String> report = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> f : results) {
                for (String line : f.get()) {
                    report.add(line);
                    if (line.startsWith("FAIL")) {
                        failures.add(line);
                    }
                }
            }
            System.out.println("push matrix: " + rows.size() + " pairwise rows, " + report.size() + " cells\n"
                    + String.join("\n", report));
            assertThat(failures).as("%d of %d matrix cells failed:\n%s", failures.size(), report.size(),
                    String.join("\n", failures)).isEmpty();
        } finally {
            pool.shutdownNow();
            if (s3client != null) {
                s3client.close();
            }
            if (ftp != null) {
                ftp.close();
            }
            if (s3 != null) {
                s3.close();
            }
            deleteTree(rings);
        }
    }

    private static List<MatrixCell> cells(List<int[]> rows, Input in) {
        List<MatrixCell> cells = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            int[] r = rows.get(i);
            Sink sink = Sink.values()[r[0]];
            boolean lxc = sink == Sink.LXC;
            cells.add(new MatrixCell(String.format("m%02d", i + 1), sink,
                    lxc ? null : SplitForm.values()[r[1]], r[2] == 1, lxc ? null : NAMES[r[3]],
                    lxc ? null : PathForm.values()[r[4]], lxc ? null : Codec.values()[r[5]],
                    lxc ? null : Suffix.values()[r[6]], FILTERS.get(r[7]), r[8] == 1, in, Variant.STANDARD));
        }
        return cells;
    }

    private static MatrixCell rcloneVariant(String desc, Input in, Variant v) {
        return new MatrixCell(desc, v == Variant.RCLONE_SEED_FORM ? Sink.RCLONE_S3 : Sink.RCLONE_LOCAL, SplitForm.TIME,
                false, FileNameFormat.TSTR_HHMMSS, PathForm.PREFIX, Codec.PIPE_GZIP, Suffix.DOTTED, "tcp", true, in, v);
    }

    /**
     * Per link type: every packet to File; a filtered, compressed, byte-split target on a remote
     * sink (rotating); a filtered LXC ring. Raw IP's filtered targets run in a push of their own:
     * a filter the push refuses refuses the whole push, and the unfiltered target must still be judged.
     */
    private static List<Run> linkTypeRuns(List<Input> inputs) {
        Sink[] remotes = {Sink.S3, Sink.FTP, Sink.RCLONE_LOCAL, Sink.RCLONE_S3};
        Codec[] codecs = {Codec.ZSTD, Codec.GZIP, Codec.LZ4, Codec.XZ, Codec.PIPE_GZIP, Codec.NONE};
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            String p = "l" + (i + 1);
            MatrixCell all = new MatrixCell(p + "a", Sink.FILE, SplitForm.TIME, false, FileNameFormat.EPOCH_SEC,
                    PathForm.DIR, Codec.NONE, Suffix.DEFAULT, "", true, in, Variant.STANDARD);
            MatrixCell tcp = new MatrixCell(p + "b", remotes[i % remotes.length], SplitForm.BYTE, i % 2 == 0,
                    FileNameFormat.TSTR_HHMMSS, PathForm.PREFIX, codecs[i % codecs.length], Suffix.DEFAULT, "tcp", true, in,
                    Variant.STANDARD);
            MatrixCell udp = new MatrixCell(p + "c", Sink.LXC, null, false, null, null, null, null, "udp", i % 2 == 1, in,
                    Variant.STANDARD);
            if (in.linkType() == 101) {
                runs.add(new Run(in.name(), in, List.of(all)));
                runs.add(new Run(in.name() + "-filtered", in, List.of(tcp, udp)));
            } else {
                runs.add(new Run(in.name(), in, List.of(all, tcp, udp)));
            }
        }
        return runs;
    }

    // ---------------------------------------------------------------- push

    private List<String> pushAndJudge(Run run) throws Exception {
        long started = System.nanoTime();
        Path work = Files.createDirectories(tmp.resolve("run-" + run.name()));
        StringBuilder lua = new StringBuilder("local Config = {}\nConfig.Target = {}\n\n");
        for (MatrixCell c : run.cells()) {
            if (c.sink() == Sink.LXC) {
                RingFile.create(ringPath(c), new RingFile.CreateOptions(16L << 20, true)).close();
            }
            lua.append(c.lua(location(c), extraKeys(c))).append('\n');
        }
        lua.append("return Config\n");
        Path config = work.resolve("push_pcap.lua");
        Files.writeString(config, lua);
        PushcapCli.Result r;
        try {
            // A deadline for a hung push, not a timing: the whole matrix takes about a minute of
            // CPU, but this machine is shared and may be many times oversubscribed.
            r = PushcapCli.run(work, Duration.ofMinutes(8), pushEnv(), "push", "--force", "--no-progress",
                    "--config", config.toString(), "--log-dir", work.resolve("logs").toString(),
                    "--state-dir", work.resolve("state").toString(), "--max-retries", "3",
                    "--offline", run.input().file().toString());
        } catch (AssertionError e) {
            return run.cells().stream().map(c -> "FAIL " + c.label() + ": " + tail(e.getMessage())).toList();
        }
        long pushed = System.nanoTime();
        Map<String, Summary> summaries = summaries(r.all());
        List<String> lines = new ArrayList<>();
        boolean allDone = true;
        for (MatrixCell c : run.cells()) {
            String failure;
            int files = 0;
            try {
                files = judge(c, summaries.get(c.desc()), work, r);
                failure = null;
            } catch (AssertionError | Exception e) {
                failure = e.getMessage();
                allDone = false;
            }
            lines.add(failure == null ? "PASS " + c.label() + " files " + files
                    : "FAIL " + c.label() + ": " + failure.strip().replace("\n", "\n    ") + c.knownIssueHint());
        }
        String leak = passwordLeak(r, work);
        if (leak != null) {
            lines.add("FAIL push '" + run.name() + "': the FTP password of a Path appears in " + leak);
        }
        System.out.printf("run %s: push %d ms, judge %d ms%n%s%n", run.name(), (pushed - started) / 1_000_000,
                (System.nanoTime() - pushed) / 1_000_000, String.join("\n", lines));
        if (allDone && r.exit() != 0) {
            lines.add("FAIL push '" + run.name() + "' exited " + r.exit() + " though every target published everything:\n"
                    + r.all());
        }
        return lines;
    }

    /** Where the FTP password (as written in the Path, URL-encoded) shows: the output, a log, a manifest; or null. */
    private String passwordLeak(PushcapCli.Result r, Path work) throws IOException {
        String secret = ftp.url().substring(ftp.url().indexOf(':', 6) + 1, ftp.url().indexOf('@'));
        if (r.all().contains(secret)) {
            return "the push's output";
        }
        try (Stream<Path> files = Files.walk(work)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("/logs/")
                    || f.toString().contains("/state/")).toList()) {
                if (Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret)) {
                    return f.toString();
                }
            }
        }
        return null;
    }

    private Map<String, String> pushEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("TZ", MatrixCell.ZONE.getId());
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        env.put("AWS_REGION", "us-east-1");
        // The matrix's rclone remotes are defined the way rclone reads them from the environment,
        // so that they work with the default config file; the test-written rclone.conf has its own cell.
        env.put("RCLONE_CONFIG_MXL_TYPE", "local");
        env.put("RCLONE_CONFIG_MXS3_TYPE", "s3");
        env.put("RCLONE_CONFIG_MXS3_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_MXS3_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        env.put("RCLONE_CONFIG_MXS3_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        env.put("RCLONE_CONFIG_MXS3_ENDPOINT", s3.endpoint().toString());
        env.put("RCLONE_CONFIG_MXS3_FORCE_PATH_STYLE", "true");
        return env;
    }

    private Path ringPath(MatrixCell c) {
        return rings.resolve(c.desc() + ".ring");
    }

    private Path fileDir(MatrixCell c) {
        return tmp.resolve("out-file").resolve(c.desc());
    }

    private Path rcloneDir(MatrixCell c) {
        return tmp.resolve("out-rclone").resolve(c.desc());
    }

    /** The target's Path: its own directory (or key prefix) per cell, then the path form. */
    private String location(MatrixCell c) {
        if (c.sink() == Sink.LXC) {
            return ringPath(c).toString();
        }
        String tail = c.path() == PathForm.DIR ? "" : MatrixCell.PREFIX;
        return switch (c.sink()) {
            case FILE -> fileDir(c) + "/" + tail;
            case S3 -> "s3://" + BUCKET + "/" + c.desc() + "/" + tail;
            case FTP -> ftp.url() + "/" + c.desc() + "/" + tail;
            case RCLONE_LOCAL -> (c.variant() == Variant.RCLONE_CONFIG_FILE ? "mxconf:" : "mxl:") + rcloneDir(c) + "/" + tail;
            case RCLONE_S3 -> (c.variant() == Variant.RCLONE_SEED_FORM ? "mxs3://" : "mxs3:") + RCLONE_BUCKET + "/"
                    + c.desc() + "/" + tail;
            case LXC -> throw new IllegalStateException();
        };
    }

    private List<String> extraKeys(MatrixCell c) throws IOException {
        List<String> keys = new ArrayList<>();
        if (c.sink() == Sink.S3) {
            keys.add("Endpoint = \"" + s3.endpoint() + "\"");
            // Every other S3 cell sends CRC32C bodies instead of the endpoint default, Content-MD5.
            if (c.desc().hashCode() % 2 != 0) {
                keys.add("BodyChecksum = \"CRC32C\"");
            }
        }
        if (c.variant() == Variant.RCLONE_CONFIG_FILE) {
            Path conf = tmp.resolve("rclone.conf");
            Files.writeString(conf, "[mxconf]\ntype = local\n");
            keys.add("RcloneConfig = \"" + conf + "\"");
        }
        return keys;
    }

    private static Map<String, Summary> summaries(String out) {
        Map<String, Summary> m = new HashMap<>();
        Matcher x = SUMMARY.matcher(out);
        while (x.find()) {
            m.put(x.group(1), new Summary(x.group(2), Long.parseLong(x.group(3)), Long.parseLong(x.group(4)),
                    Long.parseLong(x.group(5)), Long.parseLong(x.group(6)), Long.parseLong(x.group(7)), x.group(8)));
        }
        return m;
    }

    // ---------------------------------------------------------------- judge

    /** Judges one cell; returns how many files it published. */
    private int judge(MatrixCell c, Summary s, Path work, PushcapCli.Result r) throws Exception {
        if (s == null) {
            throw new AssertionError("no summary line for the target; push exited " + r.exit() + ":\n" + tail(r.all()));
        }
        if (!s.state().equals("DONE")) {
            throw new AssertionError("target ended " + s.state() + ": " + s.error());
        }
        List<PcapRecords.Rec> expected = selection(c.input(), c.filter(), c.decap());
        long inputCount = selection(c.input(), "", false).size();
        if (c.sink() == Sink.LXC) {
            compare("the ring", readRing(ringPath(c), c.input().linkType()), expected);
            checkSummary(s, 0, inputCount, expected.size());
            return 0;
        }
        List<Output> outputs = new ArrayList<>(fetch(c, work));
        for (Output o : outputs) {
            assertThat(o.name()).as("a leftover of an unpublished split").doesNotEndWith(".pending");
            assertThat(o.name()).as("name of a published file").endsWith(c.suffixText());
        }
        outputs.sort(Comparator.comparing(o -> stem(o.name(), c.suffixText())));
        Path plainDir = Files.createDirectories(work.resolve("plain").resolve(c.desc()));
        List<PcapRecords> perFile = new ArrayList<>();
        List<String> badNames = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            Path plain = o.raw();
            if (c.codec().decompressor != null) {
                plain = plainDir.resolve(String.format("%04d.pcap", i));
                Exec.run(c.codec().decompressor, o.raw(), plain, Duration.ofSeconds(60)).requireSuccess(c.codec().decompressor);
            }
            PcapRecords p = tcpdumpRead(plain, plainDir.resolve(String.format("%04d.tcpdump.pcap", i)));
            assertThat(p.linkType()).as("link type of %s", o.name()).isEqualTo(c.input().linkType());
            assertThat(p.records()).as("records in %s", o.name()).isNotEmpty();
            String bad = nameProblem(c, o.name(), p);
            if (bad != null) {
                badNames.add(bad);
            }
            perFile.add(p);
        }
        // Every check runs, so that a wrong name does not hide wrong records.
        List<String> problems = new ArrayList<>();
        if (!badNames.isEmpty()) {
            problems.add(badNames.size() + " of " + outputs.size() + " names do not follow " + c.name().option()
                    + ", e.g. " + badNames.getFirst());
        }
        soft(problems, () -> compare("the files (read by tcpdump, in name order)",
                perFile.stream().flatMap(p -> p.records().stream()).toList(), expected));
        soft(problems, () -> checkManifest(c, work, outputs, perFile));
        soft(problems, () -> checkSummary(s, outputs.size(), inputCount, expected.size()));
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return outputs.size();
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void soft(List<String> problems, Check check) {
        try {
            check.run();
        } catch (AssertionError | Exception e) {
            problems.add(String.valueOf(e.getMessage()).strip());
        }
    }

    private static String stem(String name, String suffix) {
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
    }

    /** Why {@code name} is not the encoder's name for the packets of its file, or null. */
    private static String nameProblem(MatrixCell c, String name, PcapRecords p) {
        List<PcapRecords.Rec> recs = p.records();
        String want = c.expectedStem(recs.getFirst().tsNanos(), recs.getLast().tsNanos());
        String s = stem(name, c.suffixText());
        if (s.equals(want) || s.matches(Pattern.quote(want) + "_\\d{3}")) {
            return null;
        }
        return "'" + name + "', expected '" + want + c.suffixText() + "' (or with _NNN) for packets "
                + recs.getFirst().tsNanos() + ".." + recs.getLast().tsNanos();
    }

    private static void checkSummary(Summary s, long files, long read, long published) {
        assertThat(s.files()).as("files in the push's summary").isEqualTo(files);
        assertThat(s.read()).as("packets read in the push's summary").isEqualTo(read);
        assertThat(s.published()).as("packets published in the push's summary (tcpdump's count)").isEqualTo(published);
        assertThat(s.filtered()).as("packets filtered in the push's summary").isEqualTo(read - published);
        assertThat(s.dropped()).as("packets dropped in the push's summary").isZero();
    }

    private static void checkManifest(MatrixCell c, Path work, List<Output> outputs, List<PcapRecords> perFile)
            throws Exception {
        Path manifest = work.resolve("state/manifest").resolve(c.desc() + ".jsonl");
        List<String> lines = Files.readAllLines(manifest).stream().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("manifest %s: one line per published file", manifest).hasSize(outputs.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> e = MiniJson.object(lines.get(i));
            String name = String.valueOf(e.get("name"));
            Output o = outputs.get(i);
            assertThat(name).as("manifest line %d names the files in time order", i + 1).endsWith("/" + o.name());
            assertThat(((Number) e.get("packets")).longValue()).as("packets of %s in the manifest", o.name())
                    .isEqualTo(perFile.get(i).records().size());
            assertThat(e.get("sha256")).as("SHA-256 of %s in the manifest", o.name()).isEqualTo(sha256(o.raw()));
            // A PipeCmd to a local file writes the file itself: its size is read back, not counted.
            assertThat(((Number) e.get("bytes_out")).longValue()).as("bytes_out of %s in the manifest", o.name())
                    .isEqualTo(Files.size(o.raw()));
        }
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private static void compare(String what, List<PcapRecords.Rec> actual, List<PcapRecords.Rec> expected) {
        int n = Math.min(actual.size(), expected.size());
        for (int i = 0; i < n; i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                throw new AssertionError(what + ": record " + (i + 1) + " differs from tcpdump's selection: expected "
                        + expected.get(i) + ", got " + actual.get(i) + " (" + expected.size() + " expected, "
                        + actual.size() + " published)");
            }
        }
        if (actual.size() != expected.size()) {
            throw new AssertionError(what + ": " + actual.size() + " records, tcpdump's selection has " + expected.size()
                    + " (the first " + n + " are equal)");
        }
    }

    /**
     * tcpdump reads each file and writes it again; the records it wrote, file after file. (One
     * tcpdump per file: with {@code -V} tcpdump reads the files after the first at microsecond
     * precision despite {@code --time-stamp-precision=nano}.)
     */
    private static PcapRecords tcpdumpRead(Path file, Path out) throws IOException {
        List<String> cmd = List.of("tcpdump", "-nn", "--time-stamp-precision=nano", "-r", file.toString(), "-w",
                out.toString());
        Exec.run(cmd, null, null, Duration.ofSeconds(60)).requireSuccess(cmd);
        return PcapRecords.read(out);
    }

    /** tcpdump's selection of the input; with Decap, the input packets whose decapsulated twin tcpdump selects. */
    private List<PcapRecords.Rec> selection(Input in, String filter, boolean decap) throws IOException {
        boolean viaTwin = decap && !filter.isEmpty() && in.twin() != null;
        String key = in.name() + "|" + filter + "|" + viaTwin;
        List<PcapRecords.Rec> cached = selections.get(key);
        if (cached != null) {
            return cached;
        }
        List<PcapRecords.Rec> sel;
        if (viaTwin) {
            List<PcapRecords.Rec> all = selection(in, "", false);
            Set<Long> chosen = new HashSet<>();
            List<PcapRecords.Rec> twin = tcpdump(in.twin(), filter, in.name() + "-twin");
            twin.forEach(t -> chosen.add(t.tsNanos()));
            assertThat(PcapRecords.read(in.twin()).records()).as("twin of %s", in.name()).hasSameSizeAs(all);
            sel = all.stream().filter(rec -> chosen.contains(rec.tsNanos())).toList();
        } else {
            sel = tcpdump(in.file(), filter, in.name());
        }
        selections.put(key, sel);
        return sel;
    }

    private List<PcapRecords.Rec> tcpdump(Path in, String filter, String name) throws IOException {
        Path out = Files.createTempFile(tmp, "sel-" + name + "-", ".pcap");
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-nn", "--time-stamp-precision=nano", "-r", in.toString(),
                "-w", out.toString()));
        if (!filter.isEmpty()) {
            cmd.add(filter);
        }
        Exec.run(cmd, null, null, Duration.ofSeconds(60)).requireSuccess(cmd);
        return PcapRecords.read(out).records();
    }

    private static List<PcapRecords.Rec> readRing(Path ring, int linkType) {
        List<PcapRecords.Rec> recs = new ArrayList<>();
        try (RingFile f = RingFile.open(ring);
             RingReader reader = f.reader(new RingReader.Options("matrix-judge", RingReader.Start.OLDEST))) {
            assertThat(f.linkType()).as("link type declared in ring %s", ring).isEqualTo(linkType);
            Packet p = new Packet();
            while (reader.next(p)) {
                recs.add(new PcapRecords.Rec(p.timestampNanos(), p.wirelen(), p.toByteArray()));
            }
            assertThat(reader.lostPackets()).as("packets the judge lost in ring %s", ring).isZero();
        }
        return recs;
    }

    // ---------------------------------------------------------------- fetch

    /** Every object the cell's sink holds, copied to local files, with its name relative to the cell's directory. */
    private List<Output> fetch(MatrixCell c, Path work) throws IOException {
        return switch (c.sink()) {
            case FILE -> listDir(fileDir(c));
            case FTP -> listDir(ftp.home().resolve(c.desc()));
            case RCLONE_LOCAL -> listDir(rcloneDir(c));
            case S3 -> download(BUCKET, c.desc() + "/", work.resolve("fetched").resolve(c.desc()));
            case RCLONE_S3 -> download(RCLONE_BUCKET, c.desc() + "/", work.resolve("fetched").resolve(c.desc()));
            case LXC -> throw new IllegalStateException();
        };
    }

    private static List<Output> listDir(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> new Output(p.getFileName().toString(), p)).toList();
        }
    }

    private List<Output> download(String bucket, String prefix, Path into) throws IOException {
        Files.createDirectories(into);
        List<Output> out = new ArrayList<>();
        for (S3Object o : s3client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String name = o.key().substring(prefix.length());
            Path local = into.resolve(String.format("%04d.obj", out.size()));
            s3client.getObject(b -> b.bucket(bucket).key(o.key()), ResponseTransformer.toFile(local));
            out.add(new Output(name, local));
        }
        return out;
    }

    private static String tail(String s) {
        return s.length() <= 3000 ? s : "..." + s.substring(s.length() - 3000);
    }

    private static void deleteTree(Path p) throws IOException {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.toList());
            Collections.reverse(all);
            for (Path x : all) {
                Files.deleteIfExists(x);
            }
        }
    }
}
