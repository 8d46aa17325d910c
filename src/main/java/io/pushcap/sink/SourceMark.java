package io.pushcap.sink;

/**
 * Where a target's source stood after the last packet a {@link PacketSink} holds: the source's
 * description and its position ({@code major}, {@code minor}, {@code timestampNanos}, as
 * {@code io.pushcap.pipeline.SourcePosition}). A transactional sink commits it with the packets.
 */
public record SourceMark(String source, long major, long minor, long timestampNanos) {
}
