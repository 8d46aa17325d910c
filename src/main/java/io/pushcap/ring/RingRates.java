package io.pushcap.ring;

import java.util.ArrayList;
import java.util.List;

/**
 * Rates between two snapshots of one ring, as {@code pushcap io} shows them: packets and bits per
 * second in, kernel drops per second, and per reader its rate, its lag, and how many seconds
 * remain before the writer overtakes it if both keep their current rates.
 *
 * <p><b>Note:</b> immutable; pure arithmetic on {@link RingInfo} snapshots.
 *
 * @param bytesPerSecond rate at which the writer advances through the ring (records, headers included)
 */
public record RingRates(RingInfo info, double seconds, double packetsPerSecond, double mbitPerSecond,
                        double bytesPerSecond, double kernelDropsPerSecond, List<ReaderRate> readers) {

    /**
     * @param lagPackets packets written that the reader has not reached, -1 when not known yet
     * @param lagSeconds timestamp difference between the writer's last packet and the reader's
     *                   (NaN before the reader read anything)
     * @param secondsToOvertake at current rates, +infinity when the reader keeps up
     * @param warn true when that is below the warning threshold
     */
    public record ReaderRate(RingInfo.Reader reader, double packetsPerSecond, long lagPackets, long lagBytes,
                             double lagSeconds, double secondsToOvertake, boolean warn) {
    }

    public static RingRates between(RingInfo before, RingInfo after, double warnSeconds) {
        double secs = Math.max(1e-9, (after.takenNanos() - before.takenNanos()) / 1e9);
        double writerBytes = (after.position() - before.position()) / secs;
        List<ReaderRate> readers = new ArrayList<>();
        for (RingInfo.Reader r : after.readers()) {
            if (r.closed()) {
                continue;
            }
            RingInfo.Reader old = before.readers().stream()
                    .filter(o -> o.slot() == r.slot() && o.name().equals(r.name()) && o.attachedNanos() == r.attachedNanos())
                    .findFirst().orElse(r);
            double pps = (r.packets() - old.packets()) / secs;
            double readerBytes = r.alive() ? (r.position() - old.position()) / secs : 0;
            long lagBytes = after.lagBytes(r);
            long lagPackets = after.lagPackets(r);
            double lagSeconds = r.lastTimestamp() == 0 || lagPackets < 0 ? Double.NaN
                    : lagPackets == 0 ? 0 : Math.max(0, (after.lastTimestamp() - r.lastTimestamp()) / 1e9);
            double room = after.capacity() - lagBytes;
            double closing = writerBytes - readerBytes;
            double eta = room <= 0 ? 0 : closing <= 0 ? Double.POSITIVE_INFINITY : room / closing;
            readers.add(new ReaderRate(r, pps, lagPackets, lagBytes, lagSeconds, eta, eta < warnSeconds));
        }
        return new RingRates(after, secs, (after.packets() - before.packets()) / secs,
                (after.wireBytes() - before.wireBytes()) * 8 / secs / 1e6, writerBytes,
                (after.kernelDrops() - before.kernelDrops()) / secs, List.copyOf(readers));
    }
}
