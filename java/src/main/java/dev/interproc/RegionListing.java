package dev.interproc;

/**
 * One interproc region found by {@link SharedMemory#list()}: a {@link RegionInfo} when this library can
 * read it, or an {@link UnreadableRegion} when it carries the interproc magic but another layout version,
 * is not ready, or has a damaged header.
 */
public sealed interface RegionListing permits RegionInfo, UnreadableRegion {

    /**
     * The region's name.
     *
     * @return the name, as given to {@link SharedMemory#open(String)}
     */
    String name();

    /**
     * Total bytes of the shared-memory object.
     *
     * @return the size in bytes
     */
    long size();
}
