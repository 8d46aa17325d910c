package io.pushcap.sink;

import io.pushcap.PushcapException;
import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.sink.file.FileSink;
import io.pushcap.sink.ftp.FtpLocation;
import io.pushcap.sink.ftp.FtpSink;
import io.pushcap.sink.ftp.Netrc;
import io.pushcap.sink.rclone.RcloneSink;
import io.pushcap.sink.s3.S3Location;
import io.pushcap.sink.s3.S3Settings;
import io.pushcap.sink.s3.S3Sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a target's {@link Sink} from its Mode, Path and options: validates the Path syntax and
 * the mode's option keys, creates the sink, caps its bandwidth when {@code MaxMbps} is set, and
 * meters it ({@link SinkMetrics}, label {@code target}).
 *
 * <p>Modes are pluggable: {@link #standard()} knows File, S3, CURL (FTP) and RCLONE, plus every
 * {@link SinkProvider} on the class path ({@link ServiceLoader}); {@link #register} adds or
 * replaces one. A mode without a provider (LXC, TAP until their modules are in) is a clear error.
 *
 * <p><b>Note:</b> thread-safe after construction (registration is for start-up). Errors are
 * {@link PushcapException}s that name the target, the field and the value, such as
 * {@code target 'x': Path: 's3:/bucket' (expected s3://BUCKET/PREFIX)}.
 */
public final class SinkFactory {
    private final Map<Mode, SinkProvider> providers = new EnumMap<>(Mode.class);
    private final SinkContext context;

    public SinkFactory(SinkContext context) {
        this.context = context;
    }

    /** The built-in modes and every provider found by {@link ServiceLoader}. */
    public static SinkFactory standard(SinkContext context) {
        SinkFactory f = new SinkFactory(context);
        f.register(new FileProvider());
        f.register(new S3Provider());
        f.register(new FtpProvider());
        f.register(new RcloneProvider());
        ServiceLoader.load(SinkProvider.class).forEach(f::register);
        return f;
    }

    public SinkFactory register(SinkProvider provider) {
        providers.put(provider.mode(), provider);
        return this;
    }

    /** The option keys a mode accepts (for config validation), empty for unknown modes. */
    public Set<String> optionKeys(Mode mode) {
        SinkProvider p = providers.get(mode);
        return p == null ? Set.of() : p.optionKeys();
    }

    /** A metered (and, with MaxMbps, capped) sink for {@code target}. */
    public Sink create(TargetConfig target) {
        SinkProvider p = providers.get(target.mode());
        if (p == null) {
            throw new PushcapException(target.label() + ": Mode: '" + target.mode() + "' is provided by the "
                    + (target.mode() == Mode.LXC ? "ring" : target.mode() == Mode.TAP ? "tap" : target.mode().name().toLowerCase())
                    + " module, which is not part of this build (modes available: " + new TreeSet<>(providers.keySet()) + ")");
        }
        Set<String> keys = p.optionKeys();
        for (String k : target.options().keySet()) {
            // Format (pcap or pcapng) and Digest are the split writer's, Group and KafkaConsumer the source's, not the sink's.
            if (!keys.contains(k) && !k.equals(TargetConfig.FORMAT_KEY) && !k.equals(TargetConfig.DIGEST_KEY)
                    && !k.equals(TargetConfig.GROUP_KEY) && !k.startsWith(TargetConfig.CONSUMER_PREFIX)) {
                throw new PushcapException(target.label() + ": unknown option '" + k + "' for Mode " + target.mode()
                        + " (expected " + (keys.isEmpty() ? "none" : String.join(", ", new TreeSet<>(keys))) + ")");
            }
        }
        if (target.maxMbps() < 0 || Double.isNaN(target.maxMbps())) {
            throw new PushcapException(target.label() + ": MaxMbps: '" + target.maxMbps()
                    + "' (expected a positive number of Mbit/s, or 0 for no cap)");
        }
        SinkMetrics metrics = SinkMetrics.register(context.metrics(), target.desc());
        Sink sink = p.create(target, context);
        if (target.maxMbps() > 0) {
            sink = new ThrottledSink(sink, RateLimiter.megabitsPerSecond(target.maxMbps()), metrics);
        }
        return new MeteredSink(sink, metrics);
    }

    static PushcapException badPath(TargetConfig t, String expected, String why) {
        return new PushcapException(t.label() + ": Path: '" + t.path() + "' (" + (why == null ? "" : why + "; ")
                + "expected " + expected + ")");
    }

    private static final class FileProvider implements SinkProvider {
        @Override
        public Mode mode() {
            return Mode.FILE;
        }

        @Override
        public Sink create(TargetConfig t, SinkContext c) {
            String p = t.path();
            if (p.isBlank() || p.contains("://") || p.indexOf('\0') >= 0) {
                throw badPath(t, "a directory/ or file prefix on a local or NFS file system", null);
            }
            try {
                Path.of(p);
            } catch (RuntimeException e) {
                throw badPath(t, "a file path", e.getMessage());
            }
            return new FileSink(p);
        }
    }

    private static final class S3Provider implements SinkProvider {
        @Override
        public Mode mode() {
            return Mode.S3;
        }

        @Override
        public Set<String> optionKeys() {
            return S3Settings.OPTION_KEYS;
        }

        @Override
        public Sink create(TargetConfig t, SinkContext c) {
            try {
                S3Location.parse(t.path(), false);
            } catch (IllegalArgumentException e) {
                throw badPath(t, S3Location.SYNTAX, e.getMessage());
            }
            S3Settings s;
            try {
                s = S3Settings.fromOptions(t.options(), c.env());
            } catch (IllegalArgumentException e) {
                throw new PushcapException(t.label() + ": " + e.getMessage());
            }
            return new S3Sink(t.path(), s, SinkMetrics.register(c.metrics(), t.desc()));
        }
    }

    private static final class FtpProvider implements SinkProvider {
        @Override
        public Mode mode() {
            return Mode.CURL;
        }

        @Override
        public Sink create(TargetConfig t, SinkContext c) {
            try {
                FtpLocation.parse(t.path());
            } catch (IllegalArgumentException e) {
                throw new PushcapException(t.label() + ": Path: '" + redactFtp(t.path()) + "' (" + e.getMessage()
                        + "; expected " + FtpLocation.SYNTAX + ")");
            }
            try {
                return new FtpSink(t.path(), Netrc.load(c.env()));
            } catch (IOException e) {
                throw new PushcapException(t.label() + ": cannot read .netrc: " + e.getMessage());
            }
        }

        private static String redactFtp(String p) {
            return p.replaceFirst("^(ftp://[^/:@]*):[^/@]*@", "$1:***@");
        }
    }

    private static final class RcloneProvider implements SinkProvider {
        @Override
        public Mode mode() {
            return Mode.RCLONE;
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of("RcloneConfig");
        }

        @Override
        public Sink create(TargetConfig t, SinkContext c) {
            String p = t.path();
            // The seed's own form, REMOTE://path (e.g. s3-fmad://pcap/all), is rclone's REMOTE:path with
            // a path that starts with "//": rclone takes it as it is, and so do we, as the appliance did.
            if (p.isBlank() || p.startsWith(":")) {
                throw badPath(t, "REMOTE:path/prefix or REMOTE://path (a remote of the rclone config) or a local path", null);
            }
            String conf = t.options().get("RcloneConfig");
            Path config = conf != null ? Path.of(conf) : c.home().resolve("etc").resolve("rclone.conf");
            return new RcloneSink(p, config, "rclone");
        }
    }
}
