package io.pgflex.agent.config;

import io.pgflex.contracts.agent.Sku;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Server parameters derived from a SKU's memory, close to Azure's defaults: shared_buffers 25 %,
 * effective_cache_size 75 %, max_connections from memory (50 on 2 GiB, about 107 per GiB above,
 * at most 5000), maintenance_work_mem memory/16 (at most 2 GiB), work_mem 4 MB or more.
 */
public final class SkuSizing {
    private SkuSizing() {
    }

    public static int maxConnections(Sku sku) {
        if (sku.memoryGiB() <= 2) {
            return 50;
        }
        return (int) Math.min(5000, Math.round(sku.memoryGiB() * 107.4));
    }

    public static Map<String, String> parameters(Sku sku) {
        long memMb = sku.memoryGiB() * 1024L;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("shared_buffers", (memMb / 4) + "MB");
        p.put("effective_cache_size", (memMb * 3 / 4) + "MB");
        p.put("max_connections", Integer.toString(maxConnections(sku)));
        p.put("maintenance_work_mem", Math.min(2048, memMb / 16) + "MB");
        p.put("work_mem", Math.max(4, memMb / 4 / maxConnections(sku) / 4) + "MB");
        p.put("max_worker_processes", Integer.toString(Math.max(8, sku.vCores())));
        p.put("max_parallel_workers", Integer.toString(sku.vCores()));
        p.put("max_parallel_workers_per_gather", Integer.toString(Math.max(1, sku.vCores() / 2)));
        return p;
    }
}
