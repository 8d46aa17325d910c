package io.pushcap.store;

import io.pushcap.pcap.PcapDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a chunk file holds, found by walking its records: where the last valid record ends, how
 * many there are and their time range. Recovery uses it to cut a torn tail and to rebuild an
 * index entry; tests use it as a second opinion on the index.
 *
 * <p><b>Note:</b> immutable result; {@link #of(Path, long)} maps the file read-only for the walk.
 *
 * @param validEnd  end of the last valid record (24 for a chunk without records, 0 without a header)
 * @param fileSize  the file's size when scanned
 */
public record ChunkScan(long validEnd, long fileSize, long packets, long firstTs, long lastTs, long minTs, long maxTs) {

    /** Scans {@code file} up to {@code limit} bytes (Long.MAX_VALUE: the whole file). */
    public static ChunkScan of(Path file, long limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            long end = Math.min(size, limit);
            if (end < PcapDescriptor.FILE_HEADER_LENGTH) {
                return new ChunkScan(0, size, 0, 0, 0, 0, 0);
            }
            MemorySegment s = ch.map(FileChannel.MapMode.READ_ONLY, 0, end, arena);
            boolean swapped = ChunkFormat.checkFileHeader(s, file.toString());
            long at = PcapDescriptor.FILE_HEADER_LENGTH;
            long n = 0;
            long first = 0;
            long last = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long len;
            while ((len = ChunkFormat.recordLength(s, at, end, swapped)) > 0) {
                long ts = ChunkFormat.timestamp(s, at, swapped);
                if (n == 0) {
                    first = ts;
                }
                last = ts;
                min = Math.min(min, ts);
                max = Math.max(max, ts);
                n++;
                at += len;
            }
            return new ChunkScan(at, size, n, first, last, n == 0 ? 0 : min, n == 0 ? 0 : max);
        }
    }

    /** Bytes after the last valid record. */
    public long tornBytes() {
        return fileSize - validEnd;
    }
}
