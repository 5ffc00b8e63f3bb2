package io.pgflex.contracts.agent;

import java.util.Arrays;
import java.util.Optional;

/** Compute sizes offered, as Azure names them (API names carry the {@code Standard_} prefix). */
public enum Sku {
    B1ms(Tier.Burstable, 1, 2), B2s(Tier.Burstable, 2, 4), B2ms(Tier.Burstable, 2, 8), B4ms(Tier.Burstable, 4, 16),
    B8ms(Tier.Burstable, 8, 32), B12ms(Tier.Burstable, 12, 48), B16ms(Tier.Burstable, 16, 64),
    B20ms(Tier.Burstable, 20, 80),
    D2ds_v5(Tier.GeneralPurpose, 2, 8), D4ds_v5(Tier.GeneralPurpose, 4, 16), D8ds_v5(Tier.GeneralPurpose, 8, 32),
    D16ds_v5(Tier.GeneralPurpose, 16, 64), D32ds_v5(Tier.GeneralPurpose, 32, 128),
    D48ds_v5(Tier.GeneralPurpose, 48, 192), D64ds_v5(Tier.GeneralPurpose, 64, 256),
    D96ds_v5(Tier.GeneralPurpose, 96, 384),
    E2ds_v5(Tier.MemoryOptimized, 2, 16), E4ds_v5(Tier.MemoryOptimized, 4, 32), E8ds_v5(Tier.MemoryOptimized, 8, 64),
    E16ds_v5(Tier.MemoryOptimized, 16, 128), E20ds_v5(Tier.MemoryOptimized, 20, 160),
    E32ds_v5(Tier.MemoryOptimized, 32, 256), E48ds_v5(Tier.MemoryOptimized, 48, 384),
    E64ds_v5(Tier.MemoryOptimized, 64, 512), E96ds_v5(Tier.MemoryOptimized, 96, 768);

    public static final String PREFIX = "Standard_";

    public enum Tier {
        Burstable, GeneralPurpose, MemoryOptimized
    }

    private final Tier tier;
    private final int vCores;
    private final int memoryGiB;

    Sku(Tier tier, int vCores, int memoryGiB) {
        this.tier = tier;
        this.vCores = vCores;
        this.memoryGiB = memoryGiB;
    }

    public Tier tier() {
        return tier;
    }

    public int vCores() {
        return vCores;
    }

    public int memoryGiB() {
        return memoryGiB;
    }

    /** The API name, e.g. {@code Standard_D2ds_v5}. */
    public String apiName() {
        return PREFIX + name();
    }

    public static Optional<Sku> ofApiName(String apiName) {
        if (apiName == null || !apiName.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String bare = apiName.substring(PREFIX.length());
        return Arrays.stream(values()).filter(s -> s.name().equals(bare)).findFirst();
    }
}
