package io.pgflex.repository;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** An Azure Blob Storage container (or Azurite), block blobs under an optional prefix. */
public final class AzureBlobRepository implements BackupRepository {
    private final BlobContainerClient container;
    private final String prefix;
    private final String endpoint;

    public AzureBlobRepository(RepositoryConfig.Azure c) {
        this.container = new BlobServiceClientBuilder()
                .endpoint(c.endpoint())
                .credential(new StorageSharedKeyCredential(c.accountName(), c.accountKey()))
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient()
                .getBlobContainerClient(c.container());
        this.prefix = c.prefix() == null || c.prefix().isBlank() ? "" : c.prefix().replaceAll("/*$", "/");
        this.endpoint = c.endpoint();
        if (!container.exists()) {
            try {
                container.create();
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 409) {
                    throw e;
                }
            }
        }
    }

    @Override
    public Upload create(String key) {
        BlockBlobClient blob = container.getBlobClient(prefix + key).getBlockBlobClient();
        return new ChunkedUpload() {
            private final List<String> blocks = new ArrayList<>();

            @Override
            protected void part(int number, byte[] data, int length) throws IOException {
                String id = Base64.getEncoder().encodeToString(String.format("%08d", number).getBytes(StandardCharsets.US_ASCII));
                try {
                    blob.stageBlock(id, BinaryData.fromBytes(java.util.Arrays.copyOf(data, length)));
                    blocks.add(id);
                } catch (BlobStorageException e) {
                    throw new IOException("Azure upload of " + key + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void single(byte[] data, int length) throws IOException {
                try {
                    blob.upload(BinaryData.fromBytes(java.util.Arrays.copyOf(data, length)), true);
                } catch (BlobStorageException e) {
                    throw new IOException("Azure upload of " + key + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void commit(int partCount) throws IOException {
                try {
                    blob.commitBlockList(blocks, true);
                } catch (BlobStorageException e) {
                    throw new IOException("Azure upload of " + key + ": " + e.getMessage(), e);
                }
            }

            @Override
            protected void discard(int partCount) {
                // uncommitted blocks are dropped by the service (after a week at most)
            }
        };
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        try {
            container.getBlobClient(prefix + key).getBlockBlobClient().uploadWithResponse(
                    new com.azure.storage.blob.options.BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                            .setRequestConditions(new com.azure.storage.blob.models.BlobRequestConditions().setIfNoneMatch("*")),
                    null, null);
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return false;
            }
            throw new IOException("Azure upload of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return container.getBlobClient(prefix + key).openInputStream();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw new IOException("Azure read of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            return Optional.of(container.getBlobClient(prefix + key).getProperties().getBlobSize());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("Azure head of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Entry> list(String keyPrefix) throws IOException {
        List<Entry> out = new ArrayList<>();
        try {
            for (BlobItem b : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + keyPrefix), null)) {
                out.add(new Entry(b.getName().substring(prefix.length()), b.getProperties().getContentLength(),
                        b.getProperties().getLastModified().toInstant()));
            }
        } catch (BlobStorageException e) {
            throw new IOException("Azure list of " + keyPrefix + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(Entry::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            container.getBlobClient(prefix + key).deleteIfExists();
        } catch (BlobStorageException e) {
            throw new IOException("Azure delete of " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "azure " + endpoint + " container " + container.getBlobContainerName() + (prefix.isEmpty() ? "" : " prefix " + prefix);
    }
}
