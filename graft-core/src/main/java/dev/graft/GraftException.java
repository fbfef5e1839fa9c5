package dev.graft;

/**
 * An error the user can cause and fix (a bad path, an unreadable file, weights that do not
 * fit): its message is one sentence naming the thing and what is wrong. The command line
 * prints the message without a stack trace.
 */
public class GraftException extends RuntimeException {
    public GraftException(String m) { super(m); }
    public GraftException(String m, Throwable c) { super(m, c); }
}
