package io.pgflex.agent.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much storage a data directory takes: what metrics report and what the storage guard limits. */
public final class DirectorySize {
    private DirectorySize() {
    }

    /**
     * Bytes of the regular files below {@code dir}, and of those among them below {@code part}, in
     * one walk (a file removed while walking is skipped).
     */
    public static long[] bytes(Path dir, Path part) {
        long[] total = {0, 0};
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                        if (file.startsWith(part)) {
                            total[1] += attrs.size();
                        }
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // unreadable root: 0
        }
        return total;
    }
}
