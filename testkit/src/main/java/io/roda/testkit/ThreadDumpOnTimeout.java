package io.roda.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test fails by timeout, prints a dump of every thread (with the locks they hold and wait for) to
 * standard error before the failure is reported, so a livelock or deadlock shows where each thread is
 * stuck, not only the test thread. Registered for every test by JUnit's extension auto-detection
 * (switched on in the parent POM's surefire configuration), together with the default timeout that
 * makes a hang fail instead of stalling the build.
 */
public final class ThreadDumpOnTimeout implements TestExecutionExceptionHandler
{
    @Override
    public void handleTestExecutionException(final ExtensionContext context, final Throwable error) throws Throwable
    {
        if (error instanceof TimeoutException)
        {
            System.err.println(dump("Thread dump: " + context.getDisplayName() + " timed out: " + error.getMessage()));
        }
        throw error;
    }

    static String dump(final String title)
    {
        final StringBuilder out = new StringBuilder(title).append('\n');
        for (final ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true))
        {
            out.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockName() != null)
            {
                out.append(" on ").append(info.getLockName());
            }
            out.append('\n');
            for (final StackTraceElement frame : info.getStackTrace())
            {
                out.append("    at ").append(frame).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
