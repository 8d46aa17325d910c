package io.pushcap.flow;

import java.util.ArrayList;
import java.util.List;

/** Collects ended flows as entries with their reasons. */
final class RecordingListener implements FlowSink {
    record Ended(FlowEntry flow, int reason) {
    }

    final List<Ended> ended = new ArrayList<>();
    boolean closed;

    @Override
    public void flowExpired(FlowTable table, int flow, int reason) {
        ended.add(new Ended(FlowEntry.of(table, flow), reason));
    }

    @Override
    public void close() {
        closed = true;
    }
}
