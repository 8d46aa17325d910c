package io.pushcap.synth;

/**
 * The state of one synthetic conversation: addresses, ports, encapsulation plan, and where it
 * is in its life (TCP handshake, request, response, close). {@link TrafficEngine} advances it
 * one packet at a time; a finished flow's slot gets a new flow.
 *
 * <p><b>Note:</b> not thread-safe; owned by the engine.
 */
final class Flow {
    enum Kind { HTTP, TLS, TCP_OTHER, DNS, UDP_BULK, MULTICAST, ICMP, ARP }

    static final int SYN = 0;
    static final int SYN_ACK = 1;
    static final int HANDSHAKE_ACK = 2;
    static final int REQUEST = 3;
    static final int RESPONSE = 4;
    static final int CLIENT_ACK = 5;
    static final int FIN_1 = 6;
    static final int FIN_2 = 7;
    static final int LAST_ACK = 8;
    static final int RESET = 9;
    static final int DONE = 10;

    Kind kind;
    boolean v6;
    byte[] clientIp;
    byte[] serverIp;
    byte[] clientMac;
    byte[] serverMac;
    int clientPort;
    int serverPort;
    int clientTtl;
    int serverTtl;
    int clientIpId;
    int serverIpId;
    int flowLabel;
    EncapPlan plan;
    /** Largest IP packet this flow sends (MTU minus encapsulation overhead). */
    int maxIp;

    int phase;
    int clientSeq;
    int serverSeq;
    long responseLeft;
    int segmentsSinceAck;
    int requestsLeft;
    boolean resetAtEnd;
    boolean serverCloses;
    int packetsLeft;
    int counter;
    long streamPos;
    int textOffset;
    byte[] httpHead;
    /** TLS framing per direction (0 client to server, 1 server to client). */
    final long[] tlsStreamLeft = new long[2];
    final int[] tlsHeaderPos = new int[2];
    final int[] tlsBodyLeft = new int[2];
    final int[] tlsRecordLength = new int[2];

    boolean done() {
        return phase == DONE;
    }
}
