package io.pgflex.agent.backup;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;

/** {@link BackupRestoreTest} with the repository in a real S3 API server (s3proxy). */
@QuarkusTest
@TestProfile(S3BackupRestoreTest.S3.class)
class S3BackupRestoreTest extends BackupRestoreTest {
    public static class S3 implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(io.pgflex.testkit.ObjectStoreResource.class, Map.of("kind", "s3")));
        }
    }
}
