package dev.tollgate.cli.core;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * The base of every leaf command: it finds the run's {@link Context} on the root command and returns
 * {@link ExitCode#OK} unless {@link #execute} throws. Errors are {@link CliException}s, turned into exit codes and
 * messages in one place ({@code Tollgate}).
 */
public abstract class Command implements Callable<Integer> {

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    /** The context of this run; the root command's user object provides it. */
    protected Context context() {
        return ((HasContext) spec.root().userObject()).context();
    }

    protected Output output() {
        return context().output();
    }

    @Override
    public final Integer call() {
        execute();
        return ExitCode.OK;
    }

    /** Does the command's work, writing to {@link #output()}; throws {@link CliException} when it cannot. */
    protected abstract void execute();

    /** Implemented by the root command. */
    public interface HasContext {
        Context context();
    }
}
