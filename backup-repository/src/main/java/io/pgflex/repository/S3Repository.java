package io.pgflex.repository;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** An S3-compatible bucket (AWS S3, MinIO, s3proxy, …), objects under an optional prefix. */
public final class S3Repository implements BackupRepository {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String endpoint;

    public S3Repository(RepositoryConfig.S3 c) {
        var builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
                .region(Region.of(c.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKey(), c.secretKey())))
                .forcePathStyle(c.pathStyle())
                // plain Content-MD5-free requests: S3-compatible servers do not all know the newer checksum trailers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (c.endpoint() != null && !c.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(c.endpoint()));
        }
        this.s3 = builder.build();
        this.bucket = c.bucket();
        this.prefix = c.prefix() == null || c.prefix().isBlank() ? "" : c.prefix().replaceAll("/*$", "/");
        this.endpoint = c.endpoint() == null ? "aws" : c.endpoint();
        ensureBucket();
    }

    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public Upload create(String key) {
        String k = prefix + key;
        return new ChunkedUpload() {
            private String uploadId;
            private final List<CompletedPart> parts = new ArrayList<>();

            @Override
            protected void part(int number, byte[] data, int length) throws IOException {
                try {
                    if (uploadId == null) {
                        uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(k)).uploadId();
                    }
                    String etag = s3.uploadPart(r -> r.bucket(bucket).key(k).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(java.util.Arrays.copyOf(data, length))).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                } catch (S3Exception e) {
                    throw new IOException("S3 upload of " + k + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void single(byte[] data, int length) throws IOException {
                try {
                    s3.putObject(r -> r.bucket(bucket).key(k), RequestBody.fromBytes(java.util.Arrays.copyOf(data, length)));
                } catch (S3Exception e) {
                    throw new IOException("S3 upload of " + k + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void commit(int partCount) throws IOException {
                try {
                    s3.completeMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                } catch (S3Exception e) {
                    throw new IOException("S3 upload of " + k + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void discard(int partCount) {
                if (uploadId != null) {
                    try {
                        s3.abortMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId));
                    } catch (RuntimeException ignored) {
                        // the store expires abandoned uploads
                    }
                }
            }
        };
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        try {
            s3.putObject(r -> r.bucket(bucket).key(prefix + key).ifNoneMatch("*"), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw new IOException("S3 upload of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(r -> r.bucket(bucket).key(prefix + key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw new IOException("S3 read of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            return Optional.of(s3.headObject(r -> r.bucket(bucket).key(prefix + key)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("S3 head of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> list(String keyPrefix) throws IOException {
        List<Entry> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
                out.add(new Entry(o.key().substring(prefix.length()), o.size(), o.lastModified()));
            }
        } catch (S3Exception e) {
            throw new IOException("S3 list of " + keyPrefix + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(prefix + key));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new IOException("S3 delete of " + key + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String describe() {
        return "s3 " + endpoint + " bucket " + bucket + (prefix.isEmpty() ? "" : " prefix " + prefix);
    }

    @Override
    public void close() {
        s3.close();
    }
}
