package io.pgflex.repository;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which repository to use, read from configuration ({@code pgflex.backup.repository.*}); node-agent
 * and backup-service read the same keys so they see the same repository.
 */
public record RepositoryConfig(String type, Path path, S3 s3, Azure azure) {
    public static final String PREFIX = "pgflex.backup.repository.";

    public record S3(String endpoint, String region, String bucket, String prefix, String accessKey, String secretKey,
                     boolean pathStyle) {
    }

    public record Azure(String endpoint, String accountName, String accountKey, String container, String prefix) {
    }

    /** Reads the settings through {@code lookup} (a key → value function over the service's configuration). */
    public static RepositoryConfig read(Function<String, Optional<String>> lookup, Path defaultPath) {
        String type = lookup.apply(PREFIX + "type").orElse("filesystem");
        Function<String, String> required = k -> lookup.apply(PREFIX + k)
                .orElseThrow(() -> new IllegalArgumentException(PREFIX + k + " must be set for a " + type + " repository"));
        return switch (type) {
            case "filesystem" -> new RepositoryConfig(type, lookup.apply(PREFIX + "path").map(Path::of).orElse(defaultPath),
                    null, null);
            case "s3" -> new RepositoryConfig(type, null, new S3(lookup.apply(PREFIX + "s3.endpoint").orElse(null),
                    lookup.apply(PREFIX + "s3.region").orElse("us-east-1"), required.apply("s3.bucket"),
                    lookup.apply(PREFIX + "s3.prefix").orElse(""), required.apply("s3.access-key"),
                    required.apply("s3.secret-key"),
                    Boolean.parseBoolean(lookup.apply(PREFIX + "s3.path-style").orElse("true"))), null);
            case "azure" -> new RepositoryConfig(type, null, null, new Azure(required.apply("azure.endpoint"),
                    required.apply("azure.account-name"), required.apply("azure.account-key"),
                    lookup.apply(PREFIX + "azure.container").orElse("pgflex-backups"),
                    lookup.apply(PREFIX + "azure.prefix").orElse("")));
            default -> throw new IllegalArgumentException(PREFIX + "type must be filesystem, s3 or azure, not " + type);
        };
    }

    public BackupRepository open() {
        return switch (type) {
            case "s3" -> new S3Repository(s3);
            case "azure" -> new AzureBlobRepository(azure);
            default -> new FilesystemRepository(path);
        };
    }
}
