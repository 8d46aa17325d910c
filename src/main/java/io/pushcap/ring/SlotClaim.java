package io.pushcap.ring;

import io.pushcap.PushcapException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.ring.RingDescriptor.*;
import static io.pushcap.ring.RingFile.LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Claims a reader slot for a name: the slot that name used before (to resume it), else an empty
 * slot, else one released by a reader of another name, else one whose owner died.
 *
 * <p><b>Note:</b> thread- and process-safe: a slot changes hands only by compare-and-set of its
 * Owner word. Two processes racing for the same new name may both get a slot; the one with the
 * higher slot index notices after claiming and backs off.
 */
record SlotClaim(int slot, boolean sameName) {

    static SlotClaim claim(RingFile ring, String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length >= SLOT_NAME_LENGTH) {
            throw new PushcapException("ring " + ring.path() + ": reader name '" + name + "' is longer than "
                    + (SLOT_NAME_LENGTH - 1) + " bytes");
        }
        MemorySegment seg = ring.segment();
        long me = ProcessIdentity.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int named = -1;
            int empty = -1;
            int released = -1;
            int dead = -1;
            long namedOwner = 0;
            long deadOwner = 0;
            for (int i = 0; i < READER_SLOTS; i++) {
                long base = slotOffset(i);
                long owner = (long) LONG.getVolatile(seg, base + SLOT_OWNER);
                String slotName = RingFile.readName(seg, base + SLOT_NAME, SLOT_NAME_LENGTH);
                boolean alive = owner != 0 && ProcessIdentity.alive(owner);
                if (slotName.equals(name)) {
                    if (alive) {
                        throw new io.pushcap.LockedException("ring " + ring.path() + ": reader name '" + name + "' is in use by pid "
                                + ProcessIdentity.pid(owner) + (owner == me ? " (this process)" : "")
                                + "; give each reader its own name");
                    }
                    named = i;
                    namedOwner = owner;
                } else if (owner == 0 && slotName.isEmpty()) {
                    empty = empty < 0 ? i : empty;
                } else if (owner == 0) {
                    released = released < 0 ? i : released;
                } else if (!alive && dead < 0) {
                    dead = i;
                    deadOwner = owner;
                }
            }
            int pick;
            long expect;
            if (named >= 0) {
                pick = named;
                expect = namedOwner;
            } else if (empty >= 0 || released >= 0) {
                pick = empty >= 0 ? empty : released;
                expect = 0;
            } else if (dead >= 0) {
                pick = dead;
                expect = deadOwner;
            } else {
                throw new PushcapException("ring " + ring.path() + ": all " + READER_SLOTS + " reader slots are held by"
                        + " live processes (" + String.join(", ", liveNames(seg)) + ")");
            }
            long base = slotOffset(pick);
            if (!LONG.compareAndSet(seg, base + SLOT_OWNER, expect, me)) {
                continue;
            }
            boolean sameName = pick == named;
            if (!sameName) {
                clear(seg, base);
                RingFile.writeName(seg, base + SLOT_NAME, SLOT_NAME_LENGTH, name);
            }
            // Attached stays 0 until the reader has fixed its start position (RingReader.open), so
            // nobody takes the slot for a reader that would already see the next packet.
            LONG.setRelease(seg, base + SLOT_ATTACHED, 0L);
            if (duplicateBelow(seg, pick, name)) {
                LONG.compareAndSet(seg, base + SLOT_OWNER, me, 0L);
                RingFile.writeName(seg, base + SLOT_NAME, SLOT_NAME_LENGTH, "");
                continue;
            }
            return new SlotClaim(pick, sameName);
        }
        throw new PushcapException("ring " + ring.path() + ": could not claim a reader slot for '" + name
                + "' (too much contention)");
    }

    private static void clear(MemorySegment seg, long base) {
        for (int off = SLOT_POSITION; off <= SLOT_LAST_TIMESTAMP; off += 8) {
            seg.set(JAVA_LONG, base + off, 0L);
        }
    }

    /** Another live owner of the same name in a lower slot: we lost a race and back off. */
    private static boolean duplicateBelow(MemorySegment seg, int mine, String name) {
        for (int i = 0; i < mine; i++) {
            long base = slotOffset(i);
            long owner = (long) LONG.getVolatile(seg, base + SLOT_OWNER);
            if (owner != 0 && ProcessIdentity.alive(owner)
                    && RingFile.readName(seg, base + SLOT_NAME, SLOT_NAME_LENGTH).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> liveNames(MemorySegment seg) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < READER_SLOTS && names.size() < 8; i++) {
            long base = slotOffset(i);
            long owner = (long) LONG.getVolatile(seg, base + SLOT_OWNER);
            names.add(RingFile.readName(seg, base + SLOT_NAME, SLOT_NAME_LENGTH) + " pid " + ProcessIdentity.pid(owner));
        }
        if (names.size() == 8) {
            names.add("...");
        }
        return names;
    }
}
