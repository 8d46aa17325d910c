package io.pushcap.pipeline;

import io.pushcap.internal.Json;

/**
 * One line of a target's manifest: a published file and what is in it.
 *
 * @param name            final location of the file
 * @param firstNanos      timestamp of its first packet
 * @param lastNanos       timestamp of its last packet
 * @param packets         packets in the file
 * @param bytesIn         uncompressed pcap bytes (header included)
 * @param bytesOut        published bytes (after compression)
 * @param filtered        packets filtered out since the previous file
 * @param lost            packets lost (overwritten before read) since the previous file
 * @param sha256          SHA-256 of the published bytes (hex), or null when the target's Digest is
 *                        "none" (the line then has no "sha256" field)
 * @param publishedNanos  wall-clock time of publication
 */
public record ManifestEntry(String name, long firstNanos, long lastNanos, long packets, long bytesIn, long bytesOut,
                            long filtered, long lost, String sha256, long publishedNanos) {

    /** The JSON line (no trailing newline). */
    public String toJson() {
        return "{\"name\":" + Json.quote(name) + ",\"first_ns\":" + firstNanos + ",\"last_ns\":" + lastNanos
                + ",\"packets\":" + packets + ",\"bytes_in\":" + bytesIn + ",\"bytes_out\":" + bytesOut
                + ",\"filtered\":" + filtered + ",\"lost\":" + lost + (sha256 == null ? "" : ",\"sha256\":\"" + sha256 + "\"")
                + ",\"published_ns\":" + publishedNanos + "}";
    }
}
