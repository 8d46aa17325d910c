package io.pushcap.flow.ipfix;

import io.pushcap.flow.FlowTable;

import java.nio.ByteBuffer;

import static io.pushcap.flow.ipfix.IpfixDescriptor.MICROSECOND_FRACTION_MASK;
import static io.pushcap.flow.ipfix.IpfixDescriptor.NTP_UNIX_OFFSET_SECONDS;

/**
 * Encodes one flow of the cache as a data record of a template, straight from the table's
 * arrays into the message buffer.
 *
 * <p>Unsigned values in a reduced-size field that cannot hold them are sent as the field's
 * largest value (saturated, as RFC 7011 section 6.2 suggests for counters) and counted by the
 * caller through {@link #saturated()}.
 *
 * <p><b>Note:</b> not thread-safe (one per exporter); allocates nothing per record.
 */
public final class RecordEncoder {
    private final long systemInitNanos;
    private final long observationDomain;
    private long saturated;

    /**
     * @param systemInitNanos   the meter's start, for flowStart/EndSysUpTime and systemInitTimeMilliseconds
     * @param observationDomain the value of observationDomainId
     */
    public RecordEncoder(long systemInitNanos, long observationDomain) {
        this.systemInitNanos = systemInitNanos;
        this.observationDomain = observationDomain;
    }

    /** Values sent saturated so far. */
    public long saturated() {
        return saturated;
    }

    /** Writes flow {@code f} as a record of {@code tpl} at {@code pos}; returns the position after it. */
    public int encode(ByteBuffer b, int pos, IpfixTemplate tpl, FlowTable t, int f, int reason) {
        int p = pos;
        for (int i = 0, n = tpl.fieldCount(); i < n; i++) {
            InformationElement e = tpl.element(i);
            int len = tpl.length(i);
            writeField(b, p, e, len, t, f, reason);
            p += len;
        }
        return p;
    }

    private void writeField(ByteBuffer b, int p, InformationElement e, int len, FlowTable t, int f, int reason) {
        switch (e.value()) {
            case OCTETS -> unsigned(b, p, t.octets(f), len);
            case PACKETS -> unsigned(b, p, t.packets(f), len);
            case FLOW_COUNT -> unsigned(b, p, 1, len);
            case PROTOCOL -> unsigned(b, p, t.protocol(f), len);
            case CLASS_OF_SERVICE -> unsigned(b, p, t.tos(f), len);
            case DSCP -> unsigned(b, p, t.tos(f) >>> 2, len);
            case PRECEDENCE -> unsigned(b, p, t.tos(f) >>> 5, len);
            case TCP_FLAGS -> unsigned(b, p, t.tcpFlags(f), len);
            case SRC_PORT -> unsigned(b, p, t.srcPort(f), len);
            case DST_PORT -> unsigned(b, p, t.dstPort(f), len);
            case SRC_IPV4 -> b.putInt(p, (int) t.srcLo(f));
            case DST_IPV4 -> b.putInt(p, (int) t.dstLo(f));
            case SRC_IPV6 -> b.putLong(p, t.srcHi(f)).putLong(p + 8, t.srcLo(f));
            case DST_IPV6 -> b.putLong(p, t.dstHi(f)).putLong(p + 8, t.dstLo(f));
            case INGRESS_INTERFACE -> unsigned(b, p, t.ifIndex(f) & 0xffff_ffffL, len);
            case EGRESS_INTERFACE, FLOW_DIRECTION -> unsigned(b, p, 0, len);
            case ICMP_TYPE_CODE_IPV4, ICMP_TYPE_CODE_IPV6 -> unsigned(b, p, t.icmpTypeCode(f), len);
            case ICMP_TYPE_IPV4, ICMP_TYPE_IPV6 -> unsigned(b, p, t.icmpTypeCode(f) >>> 8, len);
            case ICMP_CODE_IPV4, ICMP_CODE_IPV6 -> unsigned(b, p, t.icmpTypeCode(f) & 0xff, len);
            case MIN_TTL -> unsigned(b, p, t.minTtl(f), len);
            case MAX_TTL -> unsigned(b, p, t.maxTtl(f), len);
            case OUTER_VLAN -> unsigned(b, p, t.outerVlan(f), len);
            case INNER_VLAN -> unsigned(b, p, t.innerVlan(f), len);
            case IP_VERSION -> unsigned(b, p, t.ipVersion(f), len);
            case FLOW_END_REASON -> unsigned(b, p, reason, len);
            case FLOW_START -> time(b, p, e.type(), t.firstNanos(f), len);
            case FLOW_END -> time(b, p, e.type(), t.lastNanos(f), len);
            case SYSTEM_INIT_TIME -> time(b, p, e.type(), systemInitNanos, len);
            case FLOW_START_SYS_UP_TIME -> unsigned(b, p, Math.max(0, t.firstNanos(f) - systemInitNanos) / 1_000_000L, len);
            case FLOW_END_SYS_UP_TIME -> unsigned(b, p, Math.max(0, t.lastNanos(f) - systemInitNanos) / 1_000_000L, len);
            case FLOW_DURATION_MILLISECONDS -> unsigned(b, p, (t.lastNanos(f) - t.firstNanos(f)) / 1_000_000L, len);
            case FLOW_DURATION_MICROSECONDS -> unsigned(b, p, (t.lastNanos(f) - t.firstNanos(f)) / 1_000L, len);
            case OBSERVATION_DOMAIN -> unsigned(b, p, observationDomain, len);
            case CONSTANT -> unsigned(b, p, e.constant(), len);
        }
    }

    /** Big-endian unsigned in {@code len} bytes, saturated when it does not fit. */
    void unsigned(ByteBuffer b, int p, long v, int len) {
        if (len < 8 && (v >>> (len << 3)) != 0) {
            v = (1L << (len << 3)) - 1;
            saturated++;
        }
        switch (len) {
            case 1 -> b.put(p, (byte) v);
            case 2 -> b.putShort(p, (short) v);
            case 4 -> b.putInt(p, (int) v);
            case 8 -> b.putLong(p, v);
            default -> {
                for (int i = len - 1; i >= 0; i--) {
                    b.put(p + i, (byte) v);
                    v >>>= 8;
                }
            }
        }
    }

    private void time(ByteBuffer b, int p, ElementType type, long nanos, int len) {
        switch (type) {
            case DATE_TIME_SECONDS -> b.putInt(p, (int) Math.floorDiv(nanos, 1_000_000_000L));
            case DATE_TIME_MILLISECONDS -> b.putLong(p, Math.floorDiv(nanos, 1_000_000L));
            case DATE_TIME_MICROSECONDS -> b.putLong(p, ntpMicros(nanos));
            case DATE_TIME_NANOSECONDS -> b.putLong(p, ntpNanos(nanos));
            default -> unsigned(b, p, nanos, len); // an enterprise element carrying a time as unsigned
        }
    }

    /** NTP timestamp with a fraction that decodes back to exactly these nanoseconds (rounded up). */
    static long ntpNanos(long nanos) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        long ns = Math.floorMod(nanos, 1_000_000_000L);
        long frac = ((ns << 32) + 999_999_999L) / 1_000_000_000L;
        return ((sec + NTP_UNIX_OFFSET_SECONDS) << 32) | frac;
    }

    /**
     * NTP timestamp at microsecond resolution: the 11 low fraction bits are zero, the fraction
     * rounded up to that grid so that it decodes back to these microseconds.
     */
    static long ntpMicros(long nanos) {
        long sec = Math.floorDiv(nanos, 1_000_000_000L);
        long us = Math.floorMod(nanos, 1_000_000_000L) / 1_000L;
        long frac = ((us << 32) + 999_999L) / 1_000_000L;
        frac = (frac + 0x7ffL) & MICROSECOND_FRACTION_MASK;
        return ((sec + NTP_UNIX_OFFSET_SECONDS) << 32) | frac;
    }
}
