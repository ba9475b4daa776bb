package dev.tollgate.cli.core;

/**
 * A command that cannot complete, with the exit code it ends with and what the operator can do about it. It is an
 * answer, not a bug: it prints as two lines ({@code error: ...} and the hint), never as a stack trace.
 */
public final class CliException extends RuntimeException {

    private final int exitCode;
    private final String hint;

    public CliException(int exitCode, String message, String hint) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public int exitCode() {
        return exitCode;
    }

    /** What to do next, or null. */
    public String hint() {
        return hint;
    }

    public static CliException usage(String message, String hint) {
        return new CliException(ExitCode.USAGE, message, hint);
    }
}
