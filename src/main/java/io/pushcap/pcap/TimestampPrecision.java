package io.pushcap.pcap;

/** Resolution of the timestamps a pcap file stores. */
public enum TimestampPrecision {
    MICRO(PcapDescriptor.MAGIC_MICROS),
    NANO(PcapDescriptor.MAGIC_NANOS);

    private final int magic;

    TimestampPrecision(int magic) {
        this.magic = magic;
    }

    public int magic() {
        return magic;
    }
}
