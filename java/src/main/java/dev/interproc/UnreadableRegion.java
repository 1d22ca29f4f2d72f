package dev.interproc;

/**
 * A region that {@link SharedMemory#list()} found but cannot read: it has another layout version, it is
 * not ready (its creator is still initialising it, or died doing so), or its header is damaged. Nothing
 * in it was interpreted beyond its header's magic and version.
 *
 * @param name the region's name
 * @param size total bytes of the shared-memory object
 * @param layoutVersion the layout version stored in its header, or -1 when not known (not ready, damaged)
 * @param problem why it cannot be read, as a sentence fragment ("layout version 2; this library reads 1")
 */
public record UnreadableRegion(String name, long size, int layoutVersion, String problem) implements RegionListing {}
