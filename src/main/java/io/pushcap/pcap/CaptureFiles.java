package io.pushcap.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.pushcap.PushcapException;

/**
 * Opens capture files, telling classic pcap from pcapng by the first four bytes, and compressed
 * captures (gzip, bzip2, xz, zstd, LZ4 frames) by their magic bytes, whatever their names.
 *
 * <p><b>Note:</b> thread-safe (stateless). Regular files are read with positional reads into a
 * native buffer (not mapped: see {@link InputWindow}); {@code "-"} and other streams, and
 * compressed files, through a growing native buffer.
 */
public final class CaptureFiles {
    private CaptureFiles() {
    }

    /** Opens a file, or standard input for {@code "-"}. */
    public static CaptureReader open(Path path) throws IOException {
        if (path.toString().equals("-")) {
            return open("-", System.in);
        }
        if (Files.isDirectory(path)) {
            throw new PushcapException(path + ": is a directory, not a capture file");
        }
        InputWindow window;
        try {
            String codec;
            try (InputStream head = new BufferedInputStream(Files.newInputStream(path), 64)) {
                codec = CompressedInput.detect(path.toString(), head);
            }
            if (codec != null) {
                return decompressed(path.toString(), CompressedInput.open(path.toString(), codec, Files.newInputStream(path)));
            }
            window = Files.isRegularFile(path) ? InputWindow.read(path)
                    : InputWindow.stream(path.toString(), Files.newByteChannel(path));
        } catch (NoSuchFileException e) {
            throw new PushcapException(path + ": no such capture file");
        }
        return detect(window);
    }

    /** Reads a stream (stdin), decompressing it first when its first bytes say it is compressed. */
    public static CaptureReader open(String name, InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        String codec = CompressedInput.detect(name, buffered);
        if (codec != null) {
            return decompressed(name, CompressedInput.open(name, codec, buffered));
        }
        ReadableByteChannel ch = Channels.newChannel(buffered);
        return detect(InputWindow.stream(name, ch));
    }

    /** A compressed capture is streamed (never mapped), and a decoder failure reported as damage. */
    private static CaptureReader decompressed(String name, CompressedInput input) throws IOException {
        CaptureReader inner;
        try {
            inner = detect(InputWindow.stream(name, input));
        } catch (CorruptCaptureException e) {
            throw DecompressedReader.damaged(name, input, e.offset(), e.recordsRead(), e);
        }
        return new DecompressedReader(name, input, inner);
    }

    /** Reads a capture held in memory (tests, fuzzing). */
    public static CaptureReader open(String name, byte[] bytes) throws IOException {
        return detect(InputWindow.wrap(name, MemorySegment.ofArray(bytes)));
    }

    private static CaptureReader detect(InputWindow window) throws IOException {
        try {
            if (!window.ensure(4)) {
                throw new CorruptCaptureException(window.name(), 0, 0,
                        window.available() == 0 ? "empty file, not a pcap or pcapng capture"
                                : "too short for a pcap or pcapng header");
            }
            int first = window.segment().get(JAVA_INT_UNALIGNED, window.position());
            if (first == PcapngDescriptor.SHB_TYPE) {
                return new PcapngReader(window);
            }
            return new PcapReader(window);
        } catch (IOException | RuntimeException e) {
            window.close();
            throw e;
        }
    }
}
