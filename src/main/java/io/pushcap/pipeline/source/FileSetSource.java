package io.pushcap.pipeline.source;

import io.pushcap.PushcapException;
import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.CorruptCaptureException;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapReader;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import io.pushcap.store.CaptureChunks;
import io.pushcap.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An offline source: capture files (pcap or pcapng) read one after the other, for
 * {@code push --offline}. Position = (file index, byte offset of a record or block).
 *
 * <p>A push of one target reads through its own instance; several targets share one instance's
 * read ({@link SharedFileRead}), and a target that seeks (a retry) goes on with its own.
 *
 * <p>A damaged file (truncated inside a record, or a record header that cannot be) ends that
 * file where the damage starts, as tcpdump reads it: every whole record before it is returned,
 * the damage is remembered ({@link #damage()}) and reading goes on with the next file. A push
 * then exits with {@code ExitCodes.DAMAGED} and names the file and offset.
 *
 * <p><b>Note:</b> single-threaded. Packets are views into the reader's buffer, valid until the next call.
 */
public final class FileSetSource implements PacketSource {
    private final List<Path> files;
    private final int linkType;
    private final int snaplen;
    private final long totalBytes;
    private final TimeWindow window;
    private CaptureReader reader;
    private int index = -1;
    private long lastOffset;
    private long lastTimestamp;
    private long consumedBefore;
    private boolean ended;
    /**
     * Damage found so far by (file, offset), once each: a retry that reads the same file again
     * finds it again (with another record count, as a seek does not know how many came before).
     */
    private final java.util.LinkedHashMap<String, String> damage = new java.util.LinkedHashMap<>();

    private FileSetSource(List<Path> files, int linkType, int snaplen, long totalBytes, TimeWindow window)
            throws IOException {
        this.window = window;
        this.files = files;
        this.linkType = linkType;
        this.snaplen = snaplen;
        this.totalBytes = totalBytes;
        openFile(0);
    }

    /**
     * Files in the order given; directories contribute their captures in time order; a name that
     * is no file or directory but a capture of the default store ({@code $PUSHCAP_STORE}, else
     * {@code ./store}) contributes its chunks.
     */
    public static List<Path> expand(List<Path> args) throws IOException {
        return expand(args, Store.resolve(null));
    }

    /**
     * As {@link #expand(List)}, with capture names looked up in the store at {@code storeDir}. A
     * capture directory (holding capture.meta) contributes its sealed chunks in recorded order.
     */
    public static List<Path> expand(List<Path> args, Path storeDir) throws IOException {
        return expand(args, storeDir, TimeWindow.ALL);
    }

    /**
     * As {@link #expand(List, Path)}; stored captures contribute only the chunks that may hold
     * packets of {@code window} (found in their index, without reading the chunks).
     */
    public static List<Path> expand(List<Path> args, Path storeDir, TimeWindow window) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path a : args) {
            if (Files.isDirectory(a) && CaptureChunks.isCaptureDir(a)) {
                out.addAll(CaptureChunks.of(a));
            } else if (Files.isDirectory(a)) {
                List<Path> inDir;
                try (Stream<Path> s = Files.list(a)) {
                    inDir = s.filter(Files::isRegularFile)
                            .filter(p -> p.getFileName().toString().matches(".*\\.(pcap|pcapng|cap)$"))
                            .toList();
                }
                if (inDir.isEmpty()) {
                    throw new PushcapException(a + ": directory holds no .pcap/.pcapng/.cap files");
                }
                out.addAll(byFirstTimestamp(inDir));
            } else if (Files.isRegularFile(a)) {
                out.add(a);
            } else if (Files.exists(a)) {
                // A FIFO, socket or device: an offline push maps each file and reads it once per target.
                throw new PushcapException(a + ": is not a regular file (a FIFO, socket or device); an offline push"
                        + " reads its files once per target: save the capture to a file first");
            } else if (a.getNameCount() == 1 && Store.at(storeDir).contains(a.toString())) {
                out.addAll(window.all() ? CaptureChunks.of(Store.at(storeDir), a.toString())
                        : CaptureChunks.between(Store.at(storeDir), a.toString(), window.fromNanos(), window.toNanos()));
            } else {
                throw new PushcapException(a + ": no such capture file, directory or capture name in " + storeDir);
            }
        }
        return out;
    }

    private static List<Path> byFirstTimestamp(List<Path> files) throws IOException {
        record Keyed(Path path, long ts) {
        }
        List<Keyed> keyed = new ArrayList<>();
        Packet p = new Packet();
        for (Path f : files) {
            try (CaptureReader r = CaptureFiles.open(f)) {
                keyed.add(new Keyed(f, r.next(p) ? p.timestampNanos() : Long.MAX_VALUE));
            }
        }
        keyed.sort(Comparator.comparingLong(Keyed::ts).thenComparing(k -> k.path().toString()));
        return keyed.stream().map(Keyed::path).toList();
    }

    /** Opens a file set after checking every file's header and that they share one link type. */
    public static FileSetSource open(List<Path> files) throws IOException {
        return open(files, TimeWindow.ALL);
    }

    /** As {@link #open(List)}, returning only packets inside {@code window}. */
    public static FileSetSource open(List<Path> files, TimeWindow window) throws IOException {
        if (files.isEmpty()) {
            throw new PushcapException("no capture files to push");
        }
        int linkType = -1;
        int snaplen = 0;
        long total = 0;
        for (Path f : files) {
            try (CaptureReader r = CaptureFiles.open(f)) {
                if (linkType >= 0 && r.linkType() != linkType) {
                    throw new PushcapException(f + ": link type " + r.linkType() + " differs from " + linkType + " of "
                            + files.get(0) + "; push files of one link type together");
                }
                linkType = r.linkType();
                snaplen = Math.max(snaplen, r.snaplen());
                total += Math.max(0, r.sizeHint());
            }
        }
        return new FileSetSource(List.copyOf(files), linkType, snaplen <= 0 ? 262_144 : snaplen, total, window);
    }

    private void openFile(int i) throws IOException {
        if (reader != null) {
            consumedBefore += Math.max(0, reader.sizeHint());
            reader.close();
            reader = null;
        }
        index = i;
        if (i < files.size()) {
            reader = CaptureFiles.open(files.get(i));
        } else {
            ended = true;
        }
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        while (reader != null) {
            long before = reader.bytesRead();
            boolean got;
            try {
                got = reader.next(packet);
            } catch (CorruptCaptureException e) {
                // The file ends at its damage: what came before was returned whole.
                damage.putIfAbsent(files.get(index) + "@" + e.offset(), e.getMessage());
                got = false;
            }
            if (got) {
                if (!window.all() && !window.contains(packet.timestampNanos())) {
                    continue;
                }
                lastOffset = before;
                lastTimestamp = packet.timestampNanos();
                return true;
            }
            openFile(index + 1);
        }
        return false;
    }

    @Override
    public boolean await(long timeoutNanos) {
        return !ended;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public SourcePosition position() {
        if (reader == null) {
            return new SourcePosition(files.size(), 0, 0);
        }
        return new SourcePosition(index, reader.bytesRead(), 0);
    }

    @Override
    public SourcePosition positionOfLast() {
        return new SourcePosition(index, lastOffset, lastTimestamp);
    }

    @Override
    public void seek(SourcePosition position) throws IOException {
        int target = (int) position.major();
        if (target >= files.size()) {
            openFile(files.size());
            return;
        }
        if (target != index || reader == null) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
            consumedBefore = 0;
            for (int i = 0; i < target; i++) {
                consumedBefore += Files.size(files.get(i));
            }
            index = target;
            reader = CaptureFiles.open(files.get(target));
            ended = false;
        }
        if (reader instanceof PcapReader pr) {
            pr.seek(position.minor(), 0);
        } else {
            // pcapng: interface state must be rebuilt, so read again from the start of the file.
            reader.close();
            reader = CaptureFiles.open(files.get(target));
            Packet scratch = new Packet();
            while (reader.bytesRead() < position.minor() && reader.next(scratch)) {
                // skip to the saved block
            }
        }
        ended = false;
    }

    /** The file the last packet came from (an index into the set), for {@link SharedFileRead}. */
    int fileIndex() {
        return index;
    }

    /** Byte offset of the last packet's record in its file. */
    long lastRecordOffset() {
        return lastOffset;
    }

    /** Byte offset in the current file of the record after the last packet (where {@link #position()} points). */
    long nextRecordOffset() {
        return reader == null ? 0 : reader.bytesRead();
    }

    /** Damage met so far, by place (file@offset) in the order met, for {@link SharedFileRead}. */
    java.util.Map<String, String> damageByPlace() {
        return new java.util.LinkedHashMap<>(damage);
    }

    int damageCount() {
        return damage.size();
    }

    @Override
    public List<String> damage() {
        return List.copyOf(damage.values());
    }

    @Override
    public long lostPackets() {
        return 0;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snaplen() {
        return snaplen;
    }

    @Override
    public long sizeHint() {
        return totalBytes;
    }

    @Override
    public long bytesConsumed() {
        return consumedBefore + (reader == null ? 0 : reader.bytesRead());
    }

    @Override
    public String describe() {
        return files.size() == 1 ? files.get(0).toString()
                : files.size() + " files (" + files.get(0) + " ... " + files.get(files.size() - 1) + ")";
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
