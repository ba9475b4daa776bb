package dev.tollgate.cli.core;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command that only groups subcommands: run alone, it is a usage error that lists them (exit code 2). */
public abstract class Group implements Callable<Integer> {

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand of '"
                + spec.qualifiedName() + "': " + String.join(", ", spec.subcommands().keySet()) + ".");
    }
}
