package io.pgflex.repository;

/**
 * Where things are in the repository, per server:
 * <pre>servers/{serverId}/data-key.json                 the data key, wrapped by the master key
 * servers/{serverId}/wal/{segment|history|partial}  the WAL archive, one sealed object per file
 * servers/{serverId}/backups/{backupId}/manifest    sealed JSON {@link BackupManifest}, written last
 * servers/{serverId}/backups/{backupId}/data/{path} one sealed object per data-directory file</pre>
 * A backup without its manifest is unfinished and never used.
 */
public final class RepositoryLayout {
    private RepositoryLayout() {
    }

    public static String server(String serverId) {
        return "servers/" + checked(serverId) + "/";
    }

    public static String dataKey(String serverId) {
        return server(serverId) + "data-key.json";
    }

    public static String walPrefix(String serverId) {
        return server(serverId) + "wal/";
    }

    public static String wal(String serverId, String walFileName) {
        if (!walFileName.matches("[0-9A-F]{8}([0-9A-F]{16}(\\.partial|\\.[0-9A-F]{8}\\.backup)?|\\.history)")) {
            throw new IllegalArgumentException("not a WAL file name: " + walFileName);
        }
        return walPrefix(serverId) + walFileName;
    }

    public static String backupsPrefix(String serverId) {
        return server(serverId) + "backups/";
    }

    public static String backup(String serverId, String backupId) {
        return backupsPrefix(serverId) + checked(backupId) + "/";
    }

    public static String manifest(String serverId, String backupId) {
        return backup(serverId, backupId) + "manifest";
    }

    public static String dataFile(String serverId, String backupId, String path) {
        if (path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("not a relative data-directory path: " + path);
        }
        return backup(serverId, backupId) + "data/" + path;
    }

    private static String checked(String id) {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,80}")) {
            throw new IllegalArgumentException("not an id usable in the repository: " + id);
        }
        return id;
    }
}
