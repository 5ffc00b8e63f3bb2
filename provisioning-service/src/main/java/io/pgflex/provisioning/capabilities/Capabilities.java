package io.pgflex.provisioning.capabilities;

import io.pgflex.contracts.agent.Sku;
import io.pgflex.provisioning.model.StorageTiers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * One FlexibleServerCapability in the shape the SDKs and az CLI read (capabilities by location and by server):
 * tiers with their SKUs (zones, HA modes, IOPS), storage sizes with their Premium SSD tiers, the PostgreSQL majors the
 * agents run with the majors each can be upgraded to, and the feature switches az CLI checks before it creates or
 * updates a server ({@code OfferRestricted}, zone-redundant HA, geo-backup, storage auto-growth, online resize).
 * Pure: what is offered comes in, the capability comes out.
 */
public final class Capabilities {
    private Capabilities() {
    }

    /**
     * @param majors      the PostgreSQL majors some node agent runs
     * @param zones       the availability zones the node agents are in
     * @param fromVersion the server's major (capabilities by server: only its own, no major is upgraded in place), or null
     */
    public static Map<String, Object> of(String location, SortedSet<Integer> majors, SortedSet<String> zones,
                                         Integer fromVersion) {
        boolean zoneRedundant = zones.size() >= 2;
        List<Map<String, Object>> editions = Arrays.stream(Sku.Tier.values()).map(tier -> edition(tier, zones, zoneRedundant))
                .toList();
        List<Map<String, Object>> versions = new ArrayList<>();
        for (int major : majors) {
            if (fromVersion != null && major != fromVersion) { // a server stays on its major
                continue;
            }
            Map<String, Object> v = available();
            v.put("name", String.valueOf(major));
            // pgflex does not upgrade a server's major in place (a new server and a dump/restore do): none offered
            v.put("supportedVersionsToUpgrade", List.of());
            v.put("supportedFeatures", List.of(feature("MajorVersionUpgrade", "Disabled")));
            versions.add(v);
        }
        Map<String, Object> c = available();
        c.put("name", location);
        c.put("supportedServerEditions", editions);
        c.put("supportedServerVersions", versions);
        c.put("supportedFeatures", List.of(
                feature("OfferRestricted", "Disabled"),
                feature("ZoneRedundantHa", zoneRedundant ? "Enabled" : "Disabled"),
                feature("GeoBackup", "Disabled"),
                feature("ZoneRedundantHaAndGeoBackup", "Disabled"),
                feature("StorageAutoGrowth", "Enabled"),
                feature("OnlineResize", "Enabled"),
                feature("FastProvisioning", "Disabled")));
        c.put("fastProvisioningSupported", "Disabled");
        c.put("supportedFastProvisioningEditions", List.of());
        c.put("geoBackupSupported", "Disabled");
        c.put("zoneRedundantHaSupported", zoneRedundant ? "Enabled" : "Disabled");
        c.put("zoneRedundantHaAndGeoBackupSupported", "Disabled");
        c.put("storageAutoGrowthSupported", "Enabled");
        c.put("onlineResizeSupported", "Enabled");
        c.put("restricted", "Disabled");
        return c;
    }

    /**
     * The capabilities of api-versions before 2023-03-01-preview (CapabilityProperties): an entry for the location
     * (zone "none") and one per zone, switches
     * as booleans, each edition with its server versions and their vCore options, storage sizes in MB.
     */
    public static List<Map<String, Object>> legacy(SortedSet<Integer> majors, SortedSet<String> zones) {
        boolean zoneRedundant = zones.size() >= 2;
        List<Map<String, Object>> perZone = new ArrayList<>();
        List<String> entries = new ArrayList<>(List.of("none")); // Azure's first entry: the location as a whole
        entries.addAll(zones);
        for (String zone : entries) {
            List<Map<String, Object>> editions = Arrays.stream(Sku.Tier.values()).map(tier -> {
                List<Map<String, Object>> vcores = Arrays.stream(Sku.values()).filter(s -> s.tier() == tier).map(s -> {
                    Map<String, Object> v = available();
                    v.put("name", s.apiName());
                    v.put("vCores", s.vCores());
                    v.put("supportedIops", 3200 * s.vCores() / 2);
                    v.put("supportedMemoryPerVcoreMB", (long) s.memoryGiB() * 1024 / s.vCores());
                    return v;
                }).toList();
                Map<String, Object> e = available();
                e.put("name", tier.name());
                Map<String, Object> storage = available();
                storage.put("name", "ManagedDisk");
                storage.put("supportedStorageMB", StorageTiers.STORAGE_SIZES.stream().map(gb -> {
                    Map<String, Object> size = available();
                    size.put("name", String.valueOf(gb * 1024L));
                    size.put("supportedIops", StorageTiers.of(gb).iops());
                    size.put("storageSizeMB", gb * 1024L);
                    return size;
                }).toList());
                e.put("supportedStorageEditions", List.of(storage));
                e.put("supportedServerVersions", majors.stream().map(major -> {
                    Map<String, Object> v = available();
                    v.put("name", String.valueOf(major));
                    v.put("supportedVcores", vcores);
                    return v;
                }).toList());
                return e;
            }).toList();
            Map<String, Object> c = available();
            c.put("zone", zone);
            c.put("supportedHAMode", zoneRedundant ? List.of("SameZone", "ZoneRedundant") : List.of("SameZone"));
            c.put("geoBackupSupported", false);
            c.put("zoneRedundantHaSupported", zoneRedundant);
            c.put("zoneRedundantHaAndGeoBackupSupported", false);
            c.put("fastProvisioningSupported", false);
            c.put("supportedFlexibleServerEditions", editions);
            c.put("supportedHyperscaleNodeEditions", List.of());
            perZone.add(c);
        }
        return perZone;
    }

    private static Map<String, Object> edition(Sku.Tier tier, SortedSet<String> zones, boolean zoneRedundant) {
        List<Sku> skus = Arrays.stream(Sku.values()).filter(s -> s.tier() == tier).toList();
        List<String> haModes = tier == Sku.Tier.Burstable ? List.of()
                : zoneRedundant ? List.of("SameZone", "ZoneRedundant") : List.of("SameZone");
        Map<String, Object> e = available();
        e.put("name", tier.name());
        e.put("defaultSkuName", skus.get(0).apiName());
        e.put("supportedStorageEditions", List.of(storage()));
        e.put("supportedServerSkus", skus.stream().map(s -> {
            Map<String, Object> sku = available();
            sku.put("name", s.apiName());
            sku.put("vCores", s.vCores());
            sku.put("supportedIops", 3200 * s.vCores() / 2);
            sku.put("supportedMemoryPerVcoreMb", (long) s.memoryGiB() * 1024 / s.vCores());
            sku.put("supportedZones", List.copyOf(zones));
            sku.put("supportedHaMode", haModes);
            sku.put("supportedFeatures", List.of());
            sku.put("securityProfile", "Standard");
            return sku;
        }).toList());
        return e;
    }

    private static Map<String, Object> storage() {
        Map<String, Object> edition = available();
        edition.put("name", "ManagedDisk");
        edition.put("defaultStorageSizeMb", 32 * 1024L);
        edition.put("supportedStorageMb", StorageTiers.STORAGE_SIZES.stream().map(gb -> {
            StorageTiers.Tier tier = StorageTiers.of(gb);
            Map<String, Object> size = available();
            size.put("storageSizeMb", gb * 1024L);
            size.put("maximumStorageSizeMb", gb * 1024L);
            size.put("supportedIops", tier.iops());
            size.put("supportedMaximumIops", tier.iops());
            size.put("defaultIopsTier", tier.name());
            size.put("supportedIopsTiers", List.of(Map.of("name", tier.name(), "iops", tier.iops(), "status", "Available")));
            return size;
        }).toList());
        return edition;
    }

    private static Map<String, Object> feature(String name, String status) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("status", status);
        return f;
    }

    private static Map<String, Object> available() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "Available");
        return m;
    }
}
