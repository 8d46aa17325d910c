package io.pushcap.flow.ipfix;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A minimal, independent IPFIX message parser for tests (does not use the production descriptor). */
final class IpfixTestDecoder {
    record Set(int id, byte[] body) {
    }

    record Message(int version, int length, long exportTime, long sequence, long domain, List<Set> sets, int size) {
        boolean hasTemplates() {
            return sets.stream().anyMatch(s -> s.id() == 2);
        }

        /** Data records, given the record length of each data set id. */
        int records(java.util.Map<Integer, Integer> recordLength) {
            int n = 0;
            for (Set s : sets) {
                if (s.id() >= 256) {
                    n += s.body().length / recordLength.get(s.id());
                }
            }
            return n;
        }
    }

    private IpfixTestDecoder() {
    }

    static Message decode(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m);
        int version = b.getShort(0) & 0xffff;
        int length = b.getShort(2) & 0xffff;
        List<Set> sets = new ArrayList<>();
        int p = 16;
        while (p < Math.min(length, m.length)) {
            int id = b.getShort(p) & 0xffff;
            int len = b.getShort(p + 2) & 0xffff;
            if (len < 4 || p + len > m.length) {
                throw new AssertionError("bad set length " + len + " at " + p);
            }
            byte[] body = new byte[len - 4];
            b.get(p + 4, body);
            sets.add(new Set(id, body));
            p += len;
        }
        if (p != length) {
            throw new AssertionError("sets end at " + p + " but the header says " + length);
        }
        return new Message(version, length, b.getInt(4) & 0xffffffffL, b.getInt(8) & 0xffffffffL,
                b.getInt(12) & 0xffffffffL, sets, m.length);
    }

    /** Template ids and their record lengths from a template set body. */
    static java.util.Map<Integer, Integer> templates(byte[] body) {
        java.util.Map<Integer, Integer> out = new java.util.HashMap<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        int p = 0;
        while (p + 4 <= body.length) {
            int id = b.getShort(p) & 0xffff;
            int count = b.getShort(p + 2) & 0xffff;
            p += 4;
            int len = 0;
            for (int i = 0; i < count; i++) {
                int ie = b.getShort(p) & 0xffff;
                len += b.getShort(p + 2) & 0xffff;
                p += (ie & 0x8000) != 0 ? 8 : 4;
            }
            out.put(id, len);
        }
        return out;
    }
}
