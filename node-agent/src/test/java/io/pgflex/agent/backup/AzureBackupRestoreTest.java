package io.pgflex.agent.backup;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;

/** {@link BackupRestoreTest} with the repository in Azure Blob Storage's emulator (Azurite). */
@QuarkusTest
@TestProfile(AzureBackupRestoreTest.Azure.class)
class AzureBackupRestoreTest extends BackupRestoreTest {
    public static class Azure implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(io.pgflex.testkit.ObjectStoreResource.class, Map.of("kind", "azure")));
        }
    }
}
