package io.roda.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Placeholder replaced by the benchmark harness. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Throughput benchmark (see issue 5).")
final class BenchCommand implements Callable<Integer>
{
    @Override
    public Integer call()
    {
        System.err.println("bench is not implemented yet");
        return 2;
    }
}
