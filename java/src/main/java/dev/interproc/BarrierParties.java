package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;

/**
 * The party tables of a {@link SharedBarrier} slot, used inside its internal lock: the owner tokens of the
 * parties waiting in this round ({@code waiting[]}, counted by {@code arrived}) and of the processes that opened
 * the barrier ({@code members[]}), whose deaths break it (docs/layout.md, "Barrier slot"). The number of parties
 * comes from the slot's metadata, never from its {@code parties} field, so no word of the slot can send an index
 * outside it.
 */
final class BarrierParties {

    private static final long ARRIVED_OFFSET = RegionLayout.BARRIER_ARRIVED_OFFSET;
    private static final long WAITING_OFFSET = RegionLayout.BARRIER_WAITING_OFFSET;
    private static final int MEMBERS = RegionLayout.BARRIER_MEMBERS;
    private static final int PID_UNKNOWN = RegionLayout.BARRIER_PID_UNKNOWN;

    private final Region region;
    private final String name;
    private final IntFields fields;
    private final ProcessTable processes;
    private final int parties;
    private final long membersOffset;

    BarrierParties(Region region, String name, IntFields fields, int parties) {
        this.region = region;
        this.name = name;
        this.fields = fields;
        this.processes = region.processes();
        this.parties = parties;
        this.membersOffset = WAITING_OFFSET + 4L * parties;
    }

    /**
     * The parties waiting in this round.
     *
     * @throws IncompatibleRegionException if the slot's {@code arrived} field lies outside 0 .. parties - 1
     */
    int arrived() {
        int arrived = fields.get(ARRIVED_OFFSET);
        if (arrived < 0 || arrived >= parties) {
            throw new IncompatibleRegionException(
                    "region '" + region.name() + "' is damaged: barrier '" + name + "' field arrived is " + arrived
                            + ", outside 0.." + (parties - 1) + " for its " + parties + " parties; reset() the"
                            + " barrier, or remove the region (interproc rm) and create it again",
                    RegionLayout.E_CORRUPT);
        }
        return arrived;
    }

    /** Records this process as the waiting party after the {@code arrived} already waiting. */
    void arrive(int arrived) {
        fields.set(WAITING_OFFSET + 4L * arrived, region.ownerToken());
        fields.set(ARRIVED_OFFSET, arrived + 1);
    }

    /**
     * The pid of a dead waiting party or member (removing it, so that a reset barrier works for the survivors),
     * {@link RegionLayout#BARRIER_PID_UNKNOWN} if its pid can no longer be read, or 0 if all live.
     */
    int deadParty() {
        int arrived = arrived();
        for (int i = 0; i < arrived; i++) {
            int token = fields.get(WAITING_OFFSET + 4L * i);
            if (token != 0 && !processes.isAlive(token)) {
                fields.set(WAITING_OFFSET + 4L * i, 0);
                return deadPid(token);
            }
        }
        for (int i = 0; i < MEMBERS; i++) {
            int token = fields.get(membersOffset + 4L * i);
            if (token != 0 && !processes.isAlive(token)) {
                fields.set(membersOffset + 4L * i, 0);
                return deadPid(token);
            }
        }
        return 0;
    }

    /** Removes every dead member, so that a reset barrier is not broken again by the same death. */
    void forgetDeadMembers() {
        for (int i = 0; i < MEMBERS; i++) {
            int token = fields.get(membersOffset + 4L * i);
            if (token != 0 && !processes.isAlive(token)) {
                fields.set(membersOffset + 4L * i, 0);
            }
        }
    }

    /** Registers this process as a member, unless it is one; a full table leaves it out. */
    void join() {
        int token = region.ownerToken();
        int free = -1;
        for (int i = 0; i < MEMBERS; i++) {
            int member = fields.get(membersOffset + 4L * i);
            if (member == token) {
                return;
            }
            if (free < 0 && member == 0) {
                free = i;
            }
        }
        if (free >= 0) {
            fields.set(membersOffset + 4L * free, token);
        }
    }

    /** Unregisters this process. */
    void leave() {
        int token = region.ownerToken();
        for (int i = 0; i < MEMBERS; i++) {
            if (fields.get(membersOffset + 4L * i) == token) {
                fields.set(membersOffset + 4L * i, 0);
            }
        }
    }

    /**
     * The pid of the dead process a token names, or {@link RegionLayout#BARRIER_PID_UNKNOWN}, never 0: once
     * another process's attach has reclaimed the entry (pid 0) or reused it, the death must still break the
     * barrier.
     */
    private int deadPid(int token) {
        int pid = processes.pidOf(token);
        return pid > 0 ? pid : PID_UNKNOWN;
    }
}
