package io.pgflex.provisioning.model;


import java.util.List;
import java.util.Map;

/**
 * The performance tier and IOPS that Azure's Premium SSD gives each offered storage size (P4 … P80). pgflex runs
 * PostgreSQL on the host's own disks and enforces no IOPS limit: these are the figures the API shows so that tools
 * that read them (az CLI's capability checks, the SDKs' models) find the values they expect for a size.
 */
public final class StorageTiers {
    /** The storage sizes offered, in GiB: 32 GiB to 32 TiB, as Azure offers them. */
    public static final List<Integer> STORAGE_SIZES = List.of(32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
            32768);

    public static final String TYPE = "Premium_LRS";

    public record Tier(String name, int iops) {
    }

    private static final Map<Integer, Tier> BY_SIZE = Map.ofEntries(
            Map.entry(32, new Tier("P4", 120)), Map.entry(64, new Tier("P6", 240)), Map.entry(128, new Tier("P10", 500)),
            Map.entry(256, new Tier("P15", 1100)), Map.entry(512, new Tier("P20", 2300)),
            Map.entry(1024, new Tier("P30", 5000)), Map.entry(2048, new Tier("P40", 7500)),
            Map.entry(4096, new Tier("P50", 7500)), Map.entry(8192, new Tier("P60", 16000)),
            Map.entry(16384, new Tier("P70", 18000)), Map.entry(32768, new Tier("P80", 20000)));

    private StorageTiers() {
    }

    /**
     * The tier of a size: sizes are validated against {@link #STORAGE_SIZES}; a size between two (never
     * made by pgflex, but shown rather than failing a read) gets the tier of the next offered size up.
     */
    public static Tier of(int sizeGb) {
        return StorageTiers.STORAGE_SIZES.stream().filter(gb -> gb >= sizeGb).findFirst().map(BY_SIZE::get)
                .orElse(BY_SIZE.get(32768));
    }
}
