package io.pushcap.sink;

/**
 * One object found in a directory of a sink by {@link Sink#list(String)}: a file on disk, an S3
 * object.
 *
 * @param name     its name within the listed directory ({@code 20240101_000000.pcap})
 * @param location its full location, as {@link Sink#open(String)} and {@link Sink#delete(String)} take it
 * @param bytes    its size
 *
 * <p><b>Note:</b> immutable.
 */
public record StoredOutput(String name, String location, long bytes) {
}
