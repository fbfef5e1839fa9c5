package dev.graft;

/**
 * An error the user can cause and fix (a bad path, an unreadable file, weights that do not
 * fit): its message is one sentence naming the thing and what is wrong. The command line
 * prints the message without a stack trace.
 */
public class GraftException extends RuntimeException {
    public GraftException(String m) { super(m); }
    public GraftException(String m, Throwable c) { super(m, c); }

    /**
     * A mistake in what was asked that only shows once the data is read (a --classes name
     * not in it): a usage error, so the command line exits 2 rather than 1.
     */
    public static class Usage extends GraftException {
        public Usage(String m) { super(m); }
    }

    /**
     * Why a file operation failed, in words ("no such file", "permission denied"): Java's own
     * messages for these are just the path again.
     */
    public static String reason(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or folder";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NotDirectoryException) return "not a folder";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "it already exists";
        if (e instanceof java.nio.file.DirectoryNotEmptyException) return "the folder is not empty";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        if (e instanceof java.io.FileNotFoundException && e.getMessage() != null && e.getMessage().endsWith(")")) {
            String m = e.getMessage();
            return m.substring(m.lastIndexOf('(') + 1, m.length() - 1);
        }
        if (e instanceof java.io.EOFException) return "the file ends early";
        String m = e.getMessage();
        return m == null || m.isBlank() ? "input/output error" : m.lines().findFirst().orElse(m);
    }
}
