package io.pushcap.service.doctor;

import io.pushcap.PushcapException;
import io.pushcap.config.TargetConfig;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContext;
import io.pushcap.sink.SinkFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether one push target's sink can be reached from here, for {@code pushcap doctor}: a File
 * directory that is writable (or can be created), an S3 bucket that answers HEAD, an FTP server
 * that accepts the login, an rclone that runs with its config. Remote checks use the sink's own
 * {@code check()}, with a deadline.
 *
 * <p><b>Note:</b> stateless; each check opens and closes its own sink.
 */
final class SinkProbe {
    private SinkProbe() {
    }

    static DoctorCheck check(String schedule, TargetConfig t, long timeoutSeconds) {
        String subject = "sink of target '" + t.desc() + "' (schedule " + schedule + ", Mode " + t.mode() + ")";
        return switch (t.mode()) {
            case FILE -> file(subject, t.path());
            case LXC, TAP -> DoctorCheck.valid(subject, "local, checked when the push starts");
            case KAFKA -> DoctorCheck.valid(subject, "brokers and topic checked when the push starts");
            default -> remote(subject, t, timeoutSeconds);
        };
    }

    static DoctorCheck file(String subject, String prefix) {
        Path dir = prefix.endsWith("/") ? Path.of(prefix) : Path.of(prefix).toAbsolutePath().getParent();
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return DoctorCheck.fix(subject, dir + ": nothing of it exists", "mount or create " + dir);
        }
        if (!Files.isWritable(existing)) {
            return DoctorCheck.fix(subject, existing + " is not writable", "chown or chmod " + existing
                    + " for the user serve runs as (an NFS export needs rw and root_squash off for root)");
        }
        return DoctorCheck.valid(subject, existing.equals(dir) ? dir + " writable" : dir + " can be created under " + existing);
    }

    private static DoctorCheck remote(String subject, TargetConfig t, long timeoutSeconds) {
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try (Sink sink = SinkFactory.standard(SinkContext.system()).create(t)) {
                sink.check();
                return null;
            } catch (IOException | PushcapException e) {
                return e.getMessage();
            }
        });
        try {
            String problem = f.get(timeoutSeconds, TimeUnit.SECONDS);
            return problem == null ? DoctorCheck.valid(subject, redact(t.path()) + " reachable")
                    : DoctorCheck.fix(subject, redact(t.path()) + ": " + problem, "fix the endpoint, credentials or network");
        } catch (TimeoutException e) {
            f.cancel(true);
            return DoctorCheck.fix(subject, redact(t.path()) + ": no answer within " + timeoutSeconds + " s",
                    "check the network path and firewall to it");
        } catch (ExecutionException e) {
            return DoctorCheck.fix(subject, redact(t.path()) + ": " + e.getCause(), "fix the endpoint or credentials");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DoctorCheck.fix(subject, "interrupted", "run doctor again");
        }
    }

    /** A URL without its password: ftp://user:secret@host/ becomes ftp://user:***@host/. */
    static String redact(String path) {
        return path.replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@");
    }
}
