package io.pushcap.pipeline.source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps targets that read the same offline files within {@code maxSkewBytes} of the slowest, so
 * the mapped pages each target touches are still in the page cache when the others arrive: the
 * input is read from disk once, whatever the number of targets.
 *
 * <p><b>Note:</b> thread-safe. A member ahead of the slowest by more than the skew parks in short
 * steps; a member that leaves (finished, failed) no longer holds anyone back.
 */
public final class Pace {
    private final long maxSkewBytes;
    private final Set<Member> members = ConcurrentHashMap.newKeySet();

    public Pace(long maxSkewBytes) {
        this.maxSkewBytes = maxSkewBytes;
    }

    public Member join() {
        Member m = new Member();
        members.add(m);
        return m;
    }

    /** One target's reading position. */
    public final class Member {
        private volatile long position;

        /** Reports progress; waits while far ahead of the slowest member. */
        public void progress(long bytes) {
            position = bytes;
            while (members.size() > 1 && bytes - slowest() > maxSkewBytes && members.contains(this)) {
                LockSupport.parkNanos(200_000);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }

        public void leave() {
            members.remove(this);
        }

        /** Rejoins after {@link #leave()} (e.g. after a retry's backoff). */
        public void rejoin() {
            members.add(this);
        }

        private long slowest() {
            long min = Long.MAX_VALUE;
            for (Member m : members) {
                min = Math.min(min, m.position);
            }
            return min;
        }
    }
}
