package dev.tollgate.cli.core;

/**
 * The exit codes scripts can rely on (docs/cli.md#exit-codes). They never change meaning once released.
 */
public final class ExitCode {

    /** The command did what it was asked. */
    public static final int OK = 0;
    /** Anything else: the server failed (5xx), or answered something the CLI did not expect. */
    public static final int ERROR = 1;
    /** Bad usage: an unknown command or option, a missing or invalid value, or a request the server refused as invalid (400). */
    public static final int USAGE = 2;
    /** What the command names does not exist (404). */
    public static final int NOT_FOUND = 3;
    /** No token, a wrong token (401), or a token that may not do this (403). */
    public static final int AUTH = 4;
    /** The server could not be reached: refused, unknown host, or no answer in time. */
    public static final int UNREACHABLE = 5;
    /** What the command would create exists already, or contradicts what exists (409). */
    public static final int CONFLICT = 6;

    private ExitCode() {
    }
}
