package io.pushcap.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A child for LoaderComponentTest: appends one line per SIGTERM it gets, says when it is ready, exits 0 a second after the first. */
public final class SignalCounter {
    private SignalCounter() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Object done = new Object();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> {
            try {
                Files.writeString(file, "term\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            synchronized (done) {
                done.notifyAll();
            }
        });
        Files.writeString(Path.of(args[1]), "ready\n");
        synchronized (done) {
            done.wait();
        }
        Thread.sleep(1000);
        System.exit(0);
    }
}
