package dev.graft.serve;

/** A request the server refuses: an HTTP status and one sentence for {@code {"error": ...}}. */
final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
