package io.pushcap.store;

import io.pushcap.PushcapException;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.function.BooleanSupplier;

/**
 * How a recorder starts on a ring, for {@code pushcap record} and the service's recorders alike:
 * claim the reader slot first (so nothing written meanwhile is missed), wait for a writer to
 * declare the link type, then pick the capture: the given name (continued if a crash interrupted
 * it), else the newest interrupted capture of this ring, else {@code <ring>_YYYYMMDD_HHMM}.
 *
 * <p><b>Note:</b> stateless; {@link #open} blocks while no writer has declared the ring and
 * returns null if {@code stopping} turns true meanwhile.
 */
public final class RecordStart {
    private static final Logger LOG = LoggerFactory.getLogger(RecordStart.class);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmm");

    private RecordStart() {
    }

    public static CaptureRecorder open(Store store, RingFile ring, Path ringPath, String name, CaptureRecorder.Options options,
                                       BooleanSupplier stopping) throws IOException, InterruptedException {
        RingReader reader = CaptureRecorder.claimReader(ring, options);
        if (!waitForLinkType(ring, stopping)) {
            reader.close();
            return null;
        }
        boolean continueCrashed;
        String captureName = name;
        if (captureName == null) {
            captureName = crashedCaptureOf(store, ring);
            continueCrashed = captureName != null;
            if (captureName == null) {
                captureName = defaultName(ringPath);
            } else {
                LOG.info("continuing capture {} of ring {}, which a crash interrupted", captureName, ring.path());
            }
        } else {
            Store.validateName(captureName);
            continueCrashed = store.contains(captureName)
                    && "interrupted".equals(CaptureInfo.read(store.capture(captureName)).state());
        }
        return CaptureRecorder.open(store, captureName, ring, reader, options, continueCrashed);
    }

    /** rx declares the link type when it starts; until then there is nothing to record. */
    private static boolean waitForLinkType(RingFile ring, BooleanSupplier stopping) throws InterruptedException {
        boolean logged = false;
        while (ring.linkType() < 0) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            if (!logged) {
                LOG.info("record: waiting for a writer to start on ring {}", ring.path());
                logged = true;
            }
            Thread.sleep(50);
        }
        return !stopping.getAsBoolean();
    }

    private static String crashedCaptureOf(Store store, RingFile ring) throws IOException {
        String path = ring.path().toAbsolutePath().normalize().toString();
        CaptureInfo newest = null;
        for (CaptureDir c : store.captures()) {
            CaptureInfo i;
            try {
                i = CaptureInfo.read(c);
            } catch (PushcapException e) {
                continue;
            }
            if (i.ring().equals(path) && i.state().equals("interrupted")
                    && (newest == null || Comparator.comparingLong(CaptureInfo::createdNanos).compare(i, newest) > 0)) {
                newest = i;
            }
        }
        return newest == null ? null : newest.name();
    }

    private static String defaultName(Path ring) {
        String base = ring.getFileName().toString().replaceAll("[^A-Za-z0-9._+-]", "_");
        if (base.startsWith(".")) {
            base = "r" + base;
        }
        return base + "_" + LocalDateTime.now().format(NAME_TIME);
    }
}
