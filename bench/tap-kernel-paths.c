/*
 * Kernel send paths for a tap, without the JVM: N copies of one 60-byte frame out of a packet
 * socket by send() per packet, sendmmsg() of 64, or a PACKET_TX_RING (TPACKET_V2) flushed by one
 * send() per 256 frames; optionally with PACKET_QDISC_BYPASS. Used by bench/tap-kernel-paths.sh
 * to decide which path pushcap's tx uses.  Usage: tap-kernel-paths IFACE MODE(0|1|2) N BYPASS(0|1)
 */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s IFACE MODE N BYPASS\n", argv[0]);
        return 2;
    }
    int mode = atoi(argv[2]), bypass = atoi(argv[4]);
    long n = atol(argv[3]);
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = (int) if_nametoindex(argv[1])};
    if (fd < 0 || bind(fd, (struct sockaddr *) &sll, sizeof sll) != 0) {
        perror("socket/bind");
        return 1;
    }
    int sndbuf = 4 << 20, one = 1;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
    if (bypass) {
        setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    }
    unsigned char frame[60] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45};
    double t0 = now();
    if (mode == 0) {
        for (long i = 0; i < n; i++) {
            if (send(fd, frame, sizeof frame, 0) < 0) {
                perror("send");
                return 1;
            }
        }
    } else if (mode == 1) {
        struct mmsghdr m[64];
        struct iovec v[64];
        memset(m, 0, sizeof m);
        for (int i = 0; i < 64; i++) {
            v[i].iov_base = frame;
            v[i].iov_len = sizeof frame;
            m[i].msg_hdr.msg_iov = &v[i];
            m[i].msg_hdr.msg_iovlen = 1;
        }
        for (long i = 0; i < n; i += 64) {
            if (sendmmsg(fd, m, 64, 0) < 0) {
                perror("sendmmsg");
                return 1;
            }
        }
    } else {
        int version = TPACKET_V2;
        setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version);
        struct tpacket_req req = {.tp_block_size = 1 << 16, .tp_block_nr = 64, .tp_frame_size = 2048,
                                  .tp_frame_nr = (1 << 16) / 2048 * 64};
        if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) {
            perror("PACKET_TX_RING");
            return 1;
        }
        char *ring = mmap(NULL, (size_t) req.tp_block_size * req.tp_block_nr, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        unsigned idx = 0;
        for (long i = 0; i < n;) {
            int queued = 0;
            while (queued < 256 && i < n) {
                struct tpacket2_hdr *h = (void *) (ring + (size_t) idx * req.tp_frame_size);
                if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE) {
                    break;
                }
                memcpy((char *) h + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)), frame, sizeof frame);
                h->tp_len = sizeof frame;
                __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
                idx = (idx + 1) % req.tp_frame_nr;
                i++;
                queued++;
            }
            if (send(fd, NULL, 0, queued == 256 ? MSG_DONTWAIT : 0) < 0) {
                perror("send");
            }
        }
        send(fd, NULL, 0, 0);
    }
    double dt = now() - t0;
    printf("%s%s %.0f pps\n", mode == 0 ? "send" : mode == 1 ? "sendmmsg/64" : "tx-ring/256", bypass ? "+bypass" : "",
           n / dt);
    return 0;
}
