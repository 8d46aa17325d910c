package io.pushcap.pipeline;

import java.io.IOException;

/**
 * Thrown by a {@link PacketSource#next} that can no longer vouch for the packets it returned since
 * the target's last commit (a Kafka consumer group took partitions away): the target aborts its
 * open split, backs off and seeks back to the region's start, as after a sink failure, and the
 * source starts again from what was committed.
 */
public class RegionLost extends IOException {
    public RegionLost(String message) {
        super(message);
    }
}
