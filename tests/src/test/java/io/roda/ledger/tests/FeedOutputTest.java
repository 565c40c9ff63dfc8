package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.core.Result;
import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Operation;

/**
 * The text the real {@code ./ledger feed} and {@code ./ledger history} print (child JVMs), byte for byte,
 * for a ledger that went through every operation under a clock the test controls: opens with and without
 * overdraft, deposit, withdraw into an overdraft, transfer, holds with and without timeout, a partial and a
 * whole post, a void, rejections (a plain one, post and void of finished holds, an unknown hold, an invalid
 * account), a keyed transaction with its DUPLICATE and KEY_REUSED retries, a linked chain that applies and
 * one that fails, and a hold that expires on the sequencer's TICK.
 *
 * <p>Every expected line is written out by hand from the documented semantics (docs/SEMANTICS.md, the
 * javadoc of {@code FeedEntry}, {@code FeedLines} and the commands' help), never produced by the code under
 * test. Transaction {@code i} (the first member, for a chain) is stamped at {@code 2030-01-01T00:00:i Z}
 * (the clock is set before each submission and each is committed before the next); chain members after the
 * first are stamped one nanosecond apart; the TICK at the hold's expiry, 25 + 30 seconds.
 *
 * <pre>
 *  1 open 1                   11 post 10 (whole)          21 transfer 1-&gt;4 5, linked   (fails: 22)
 *  2 open 2 overdraft=500     12 hold 2-&gt;3 70 timeout=3600 22 withdraw 3 1000         INSUFFICIENT_FUNDS
 *  3 open 3                   13 void 12                   23 post 12                  HOLD_ALREADY_VOIDED
 *  4 deposit 1 1000           14 withdraw 3 41 (rejected)  24 void 8                   HOLD_ALREADY_POSTED
 *  5 withdraw 1 100           15 deposit 3 10 key=42       25 hold 1-&gt;2 60 timeout=30
 *  6 transfer 1-&gt;2 200        16 the same: DUPLICATE       26 TICK at 00:00:55: hold 25 expires
 *  7 withdraw 2 600 (overdr.) 17 deposit 3 11 key=42       27 post 25                  HOLD_EXPIRED
 *  8 hold 1-&gt;3 100            18 transfer 1-&gt;3 100, linked 28 transfer 2-&gt;1 20
 *  9 post 8 40 (partial)      19 transfer 3-&gt;2 30          29 void 999                 HOLD_NOT_FOUND
 * 10 hold 1-&gt;2 50            20 open 4, linked            30 deposit -1 5             INVALID_ACCOUNT
 * </pre>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FeedOutputTest
{
    /** 2030-01-01T00:00:00Z in nanoseconds since the epoch. */
    private static final long T = 1_893_456_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final String KEY = "00000000-0000-0000-0000-00000000002a";

    /** Every entry, as {@code feed} prints it (CSV). */
    static final String[] FEED_CSV = {
        "1,2030-01-01T00:00:01Z,OPEN,,1,0,,,0,,,1:0:0:0,,OK",
        "2,2030-01-01T00:00:02Z,OPEN,,2,500,,,0,,,2:0:0:0,,OK",
        "3,2030-01-01T00:00:03Z,OPEN,,3,0,,,0,,,3:0:0:0,,OK",
        "4,2030-01-01T00:00:04Z,DEPOSIT,0,1,1000,,,0,,,0:-1000:0:0;1:1000:0:0,,OK",
        "5,2030-01-01T00:00:05Z,WITHDRAW,1,0,100,,,0,,,1:900:0:0;0:-900:0:0,,OK",
        "6,2030-01-01T00:00:06Z,TRANSFER,1,2,200,,,0,,,1:700:0:0;2:200:0:0,,OK",
        "7,2030-01-01T00:00:07Z,WITHDRAW,2,0,600,,,0,,,2:-400:0:0;0:-300:0:0,,OK",
        "8,2030-01-01T00:00:08Z,HOLD,1,3,100,,0,0,,,1:700:100:0;3:0:0:100,,OK",
        "9,2030-01-01T00:00:09Z,POST,1,3,40,8,,0,,,1:660:0:0;3:40:0:0,,OK",
        "10,2030-01-01T00:00:10Z,HOLD,1,2,50,,0,0,,,1:660:50:0;2:-400:0:50,,OK",
        "11,2030-01-01T00:00:11Z,POST,1,2,50,10,,0,,,1:610:0:0;2:-350:0:0,,OK",
        "12,2030-01-01T00:00:12Z,HOLD,2,3,70,,3600,0,,,2:-350:70:0;3:40:0:70,,OK",
        "13,2030-01-01T00:00:13Z,VOID,2,3,70,12,,0,,,2:-350:0:0;3:40:0:0,,OK",
        "14,2030-01-01T00:00:14Z,WITHDRAW,3,0,41,,,0,,,,,INSUFFICIENT_FUNDS",
        "15,2030-01-01T00:00:15Z,DEPOSIT,0,3,10,,,0," + KEY + ",,0:-310:0:0;3:50:0:0,,OK",
        "16,2030-01-01T00:00:16Z,DEPOSIT,0,3,10,,,0," + KEY + ",15,,,DUPLICATE",
        "17,2030-01-01T00:00:17Z,DEPOSIT,0,3,11,,,0," + KEY + ",15,,,KEY_REUSED",
        "18,2030-01-01T00:00:18Z,TRANSFER,1,3,100,,,1,,,1:510:0:0;3:150:0:0,,OK",
        "19,2030-01-01T00:00:18.000000001Z,TRANSFER,3,2,30,,,0,,,3:120:0:0;2:-320:0:0,,OK",
        "20,2030-01-01T00:00:20Z,OPEN,,4,0,,,1,,,,,LINKED_EVENT_FAILED",
        "21,2030-01-01T00:00:20.000000001Z,TRANSFER,1,4,5,,,1,,,,,LINKED_EVENT_FAILED",
        "22,2030-01-01T00:00:20.000000002Z,WITHDRAW,3,0,1000,,,0,,,,,INSUFFICIENT_FUNDS",
        "23,2030-01-01T00:00:23Z,POST,2,3,0,12,,0,,,,,HOLD_ALREADY_VOIDED",
        // a rejected void: the amount as submitted (a void submits none: 0), FeedEntry.amount()
        "24,2030-01-01T00:00:24Z,VOID,1,3,0,8,,0,,,,,HOLD_ALREADY_POSTED",
        "25,2030-01-01T00:00:25Z,HOLD,1,2,60,,30,0,,,1:510:60:0;2:-320:0:60,,OK",
        "26,2030-01-01T00:00:55Z,TICK,,,0,,,0,,,1:510:0:0;2:-320:0:0,25:1:2:60,OK",
        "27,2030-01-01T00:00:56Z,POST,1,2,0,25,,0,,,,,HOLD_EXPIRED",
        "28,2030-01-01T00:00:57Z,TRANSFER,2,1,20,,,0,,,2:-340:0:0;1:530:0:0,,OK",
        "29,2030-01-01T00:00:58Z,VOID,,,0,999,,0,,,,,HOLD_NOT_FOUND",
        // the account as submitted, -1: not the empty field of "no such side"
        "30,2030-01-01T00:00:59Z,DEPOSIT,0,-1,5,,,0,,,,,INVALID_ACCOUNT",
    };

    /** Entries 14 on, as {@code feed --format json --from 14} prints them. */
    static final String[] FEED_JSON_FROM_14 = {
        "{\"tx\":14,\"timestamp\":\"2030-01-01T00:00:14Z\",\"timestamp_ns\":1893456014000000000,"
            + "\"operation\":\"WITHDRAW\",\"from\":3,\"to\":0,\"amount\":41,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"INSUFFICIENT_FUNDS\"}",
        "{\"tx\":15,\"timestamp\":\"2030-01-01T00:00:15Z\",\"timestamp_ns\":1893456015000000000,"
            + "\"operation\":\"DEPOSIT\",\"from\":0,\"to\":3,\"amount\":10,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":\"" + KEY + "\",\"duplicate_of\":null,\"balances\":["
            + "{\"account\":0,\"balance\":-310,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":7},"
            + "{\"account\":3,\"balance\":50,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":13}],"
            + "\"expired\":[],\"result\":\"OK\"}",
        "{\"tx\":16,\"timestamp\":\"2030-01-01T00:00:16Z\",\"timestamp_ns\":1893456016000000000,"
            + "\"operation\":\"DEPOSIT\",\"from\":0,\"to\":3,\"amount\":10,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":\"" + KEY + "\",\"duplicate_of\":15,\"balances\":[],\"expired\":[],"
            + "\"result\":\"DUPLICATE\"}",
        "{\"tx\":17,\"timestamp\":\"2030-01-01T00:00:17Z\",\"timestamp_ns\":1893456017000000000,"
            + "\"operation\":\"DEPOSIT\",\"from\":0,\"to\":3,\"amount\":11,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":\"" + KEY + "\",\"duplicate_of\":15,\"balances\":[],\"expired\":[],"
            + "\"result\":\"KEY_REUSED\"}",
        "{\"tx\":18,\"timestamp\":\"2030-01-01T00:00:18Z\",\"timestamp_ns\":1893456018000000000,"
            + "\"operation\":\"TRANSFER\",\"from\":1,\"to\":3,\"amount\":100,\"hold\":null,\"timeout\":null,"
            + "\"linked\":true,\"key\":null,\"duplicate_of\":null,\"balances\":["
            + "{\"account\":1,\"balance\":510,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":11},"
            + "{\"account\":3,\"balance\":150,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":15}],"
            + "\"expired\":[],\"result\":\"OK\"}",
        "{\"tx\":19,\"timestamp\":\"2030-01-01T00:00:18.000000001Z\",\"timestamp_ns\":1893456018000000001,"
            + "\"operation\":\"TRANSFER\",\"from\":3,\"to\":2,\"amount\":30,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":["
            + "{\"account\":3,\"balance\":120,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":18},"
            + "{\"account\":2,\"balance\":-320,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":13}],"
            + "\"expired\":[],\"result\":\"OK\"}",
        "{\"tx\":20,\"timestamp\":\"2030-01-01T00:00:20Z\",\"timestamp_ns\":1893456020000000000,"
            + "\"operation\":\"OPEN\",\"from\":null,\"to\":4,\"amount\":0,\"hold\":null,\"timeout\":null,"
            + "\"linked\":true,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"LINKED_EVENT_FAILED\"}",
        "{\"tx\":21,\"timestamp\":\"2030-01-01T00:00:20.000000001Z\",\"timestamp_ns\":1893456020000000001,"
            + "\"operation\":\"TRANSFER\",\"from\":1,\"to\":4,\"amount\":5,\"hold\":null,\"timeout\":null,"
            + "\"linked\":true,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"LINKED_EVENT_FAILED\"}",
        "{\"tx\":22,\"timestamp\":\"2030-01-01T00:00:20.000000002Z\",\"timestamp_ns\":1893456020000000002,"
            + "\"operation\":\"WITHDRAW\",\"from\":3,\"to\":0,\"amount\":1000,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"INSUFFICIENT_FUNDS\"}",
        "{\"tx\":23,\"timestamp\":\"2030-01-01T00:00:23Z\",\"timestamp_ns\":1893456023000000000,"
            + "\"operation\":\"POST\",\"from\":2,\"to\":3,\"amount\":0,\"hold\":12,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"HOLD_ALREADY_VOIDED\"}",
        "{\"tx\":24,\"timestamp\":\"2030-01-01T00:00:24Z\",\"timestamp_ns\":1893456024000000000,"
            + "\"operation\":\"VOID\",\"from\":1,\"to\":3,\"amount\":0,\"hold\":8,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"HOLD_ALREADY_POSTED\"}",
        "{\"tx\":25,\"timestamp\":\"2030-01-01T00:00:25Z\",\"timestamp_ns\":1893456025000000000,"
            + "\"operation\":\"HOLD\",\"from\":1,\"to\":2,\"amount\":60,\"hold\":null,\"timeout\":30,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":["
            + "{\"account\":1,\"balance\":510,\"debits_pending\":60,\"credits_pending\":0,\"previous_tx\":18},"
            + "{\"account\":2,\"balance\":-320,\"debits_pending\":0,\"credits_pending\":60,\"previous_tx\":19}],"
            + "\"expired\":[],\"result\":\"OK\"}",
        "{\"tx\":26,\"timestamp\":\"2030-01-01T00:00:55Z\",\"timestamp_ns\":1893456055000000000,"
            + "\"operation\":\"TICK\",\"from\":null,\"to\":null,\"amount\":0,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":["
            + "{\"account\":1,\"balance\":510,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":25},"
            + "{\"account\":2,\"balance\":-320,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":25}],"
            + "\"expired\":[{\"hold\":25,\"from\":1,\"to\":2,\"amount\":60}],\"result\":\"OK\"}",
        "{\"tx\":27,\"timestamp\":\"2030-01-01T00:00:56Z\",\"timestamp_ns\":1893456056000000000,"
            + "\"operation\":\"POST\",\"from\":1,\"to\":2,\"amount\":0,\"hold\":25,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"HOLD_EXPIRED\"}",
        "{\"tx\":28,\"timestamp\":\"2030-01-01T00:00:57Z\",\"timestamp_ns\":1893456057000000000,"
            + "\"operation\":\"TRANSFER\",\"from\":2,\"to\":1,\"amount\":20,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":["
            + "{\"account\":2,\"balance\":-340,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":26},"
            + "{\"account\":1,\"balance\":530,\"debits_pending\":0,\"credits_pending\":0,\"previous_tx\":26}],"
            + "\"expired\":[],\"result\":\"OK\"}",
        "{\"tx\":29,\"timestamp\":\"2030-01-01T00:00:58Z\",\"timestamp_ns\":1893456058000000000,"
            + "\"operation\":\"VOID\",\"from\":null,\"to\":null,\"amount\":0,\"hold\":999,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"HOLD_NOT_FOUND\"}",
        "{\"tx\":30,\"timestamp\":\"2030-01-01T00:00:59Z\",\"timestamp_ns\":1893456059000000000,"
            + "\"operation\":\"DEPOSIT\",\"from\":0,\"to\":-1,\"amount\":5,\"hold\":null,\"timeout\":null,"
            + "\"linked\":false,\"key\":null,\"duplicate_of\":null,\"balances\":[],\"expired\":[],"
            + "\"result\":\"INVALID_ACCOUNT\"}",
    };

    /**
     * History of account 1, newest first. AMOUNT is signed from the account's side: negative when it pays or
     * holds; the expiry of its hold 25 gives the held 60 back to it, so it is positive there.
     */
    static final String[] HISTORY_1 = {
        "28,2030-01-01T00:00:57Z,TRANSFER,2,20,530",
        "26,2030-01-01T00:00:55Z,EXPIRE,2,60,510",
        "25,2030-01-01T00:00:25Z,HOLD,2,-60,510",
        "18,2030-01-01T00:00:18Z,TRANSFER,3,-100,510",
        "11,2030-01-01T00:00:11Z,POST,2,-50,610",
        "10,2030-01-01T00:00:10Z,HOLD,2,-50,660",
        "9,2030-01-01T00:00:09Z,POST,3,-40,660",
        "8,2030-01-01T00:00:08Z,HOLD,3,-100,700",
        "6,2030-01-01T00:00:06Z,TRANSFER,2,-200,700",
        "5,2030-01-01T00:00:05Z,WITHDRAW,0,-100,900",
        "4,2030-01-01T00:00:04Z,DEPOSIT,0,1000,1000",
        "1,2030-01-01T00:00:01Z,OPEN,,0,0",
    };

    /** History of account 2 (overdraft 500): the void and the expiry take back what its holds promised. */
    static final String[] HISTORY_2 = {
        "28,2030-01-01T00:00:57Z,TRANSFER,1,-20,-340",
        "26,2030-01-01T00:00:55Z,EXPIRE,1,-60,-320",
        "25,2030-01-01T00:00:25Z,HOLD,1,60,-320",
        "19,2030-01-01T00:00:18.000000001Z,TRANSFER,3,30,-320",
        "13,2030-01-01T00:00:13Z,VOID,3,70,-350",
        "12,2030-01-01T00:00:12Z,HOLD,3,-70,-350",
        "11,2030-01-01T00:00:11Z,POST,1,50,-350",
        "10,2030-01-01T00:00:10Z,HOLD,1,50,-400",
        "7,2030-01-01T00:00:07Z,WITHDRAW,0,-600,-400",
        "6,2030-01-01T00:00:06Z,TRANSFER,1,200,200",
        "2,2030-01-01T00:00:02Z,OPEN,,0,0",
    };

    /** History of account 3. */
    static final String[] HISTORY_3 = {
        "19,2030-01-01T00:00:18.000000001Z,TRANSFER,2,-30,120",
        "18,2030-01-01T00:00:18Z,TRANSFER,1,100,150",
        "15,2030-01-01T00:00:15Z,DEPOSIT,0,10,50",
        "13,2030-01-01T00:00:13Z,VOID,2,-70,40",
        "12,2030-01-01T00:00:12Z,HOLD,2,70,40",
        "9,2030-01-01T00:00:09Z,POST,1,40,40",
        "8,2030-01-01T00:00:08Z,HOLD,1,100,0",
        "3,2030-01-01T00:00:03Z,OPEN,,0,0",
    };

    /** History of the system account 0: the other side of every deposit and withdraw. */
    static final String[] HISTORY_0 = {
        "15,2030-01-01T00:00:15Z,DEPOSIT,3,-10,-310",
        "7,2030-01-01T00:00:07Z,WITHDRAW,2,600,-300",
        "5,2030-01-01T00:00:05Z,WITHDRAW,1,100,-900",
        "4,2030-01-01T00:00:04Z,DEPOSIT,1,-1000,-1000",
    };

    @TempDir
    static Path dir;

    /** Builds the ledger once: every transaction committed at its own second, the feed caught up, closed. */
    @BeforeAll
    static void buildLedger() throws Exception
    {
        final PaymentPipelineModelTest.ManualClock clock = new PaymentPipelineModelTest.ManualClock();
        clock.now.set(T);
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(64).maxHolds(64).idempotencyWindow(64).feed(true)
            .clock(clock).build()))
        {
            submit(ledger, clock, 1, Operation.open(1));
            submit(ledger, clock, 2, Operation.open(2, 500));
            submit(ledger, clock, 3, Operation.open(3));
            submit(ledger, clock, 4, Operation.deposit(1, 1000));
            submit(ledger, clock, 5, Operation.withdraw(1, 100));
            submit(ledger, clock, 6, Operation.transfer(1, 2, 200));
            submit(ledger, clock, 7, Operation.withdraw(2, 600));
            submit(ledger, clock, 8, Operation.hold(1, 3, 100, 0));
            submit(ledger, clock, 9, Operation.post(8, 40));
            submit(ledger, clock, 10, Operation.hold(1, 2, 50, 0));
            submit(ledger, clock, 11, Operation.post(10, 0));
            submit(ledger, clock, 12, Operation.hold(2, 3, 70, 3600));
            submit(ledger, clock, 13, Operation.voidHold(12));
            submit(ledger, clock, 14, Operation.withdraw(3, 41));
            submit(ledger, clock, 15, Operation.deposit(3, 10).withKey(0, 42));
            submit(ledger, clock, 16, Operation.deposit(3, 10).withKey(0, 42));
            submit(ledger, clock, 17, Operation.deposit(3, 11).withKey(0, 42));
            submit(ledger, clock, 18, Operation.transfer(1, 3, 100), Operation.transfer(3, 2, 30));
            submit(ledger, clock, 20, Operation.open(4), Operation.transfer(1, 4, 5), Operation.withdraw(3, 1000));
            submit(ledger, clock, 23, Operation.post(12, 0));
            submit(ledger, clock, 24, Operation.voidHold(8));
            submit(ledger, clock, 25, Operation.hold(1, 2, 60, 30));

            clock.now.set(T + 55 * SECOND); // hold 25 is due: the sequencer submits a TICK on its own
            final long deadline = System.nanoTime() + 10 * SECOND;
            while (ledger.lastTxId() < 26 && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(26, ledger.lastTxId(), "one TICK released the due hold");
            assertTrue(ledger.await(26, Level.COMMITTED, Duration.ofSeconds(10)));
            assertEquals(T + 55 * SECOND, ledger.status(26).timestamp());

            submit(ledger, clock, 27, 56, Operation.post(25, 0));
            submit(ledger, clock, 28, 57, Operation.transfer(2, 1, 20));
            submit(ledger, clock, 29, 58, Operation.voidHold(999));
            submit(ledger, clock, 30, 59, Operation.deposit(-1, 5));

            assertEquals(Result.OK, ledger.status(13).result());
            assertEquals(Result.DUPLICATE, ledger.status(16).result());
            assertEquals(Result.LINKED_EVENT_FAILED, ledger.status(20).result());
            assertEquals(Result.HOLD_EXPIRED, ledger.status(27).result());
            assertEquals(Result.INVALID_ACCOUNT, ledger.status(30).result());
            final long feedDeadline = System.nanoTime() + 10 * SECOND;
            while (ledger.feedIndex() < 30 && System.nanoTime() < feedDeadline)
            {
                Thread.sleep(1);
            }
            assertEquals(30, ledger.feedIndex(), "the feed follows the commit index");
            assertEquals(null, ledger.feedFailure());
        }
    }

    /** {@link #submit(Ledger, PaymentPipelineModelTest.ManualClock, long, long, Operation...)} at second {@code id}. */
    private static void submit(final Ledger ledger, final PaymentPipelineModelTest.ManualClock clock, final long id,
        final Operation... ops) throws InterruptedException
    {
        submit(ledger, clock, id, id, ops);
    }

    /**
     * Sets the clock to {@code second}, submits {@code ops} (linked when more than one), checks their ids start
     * at {@code id} and waits until they are committed.
     */
    private static void submit(final Ledger ledger, final PaymentPipelineModelTest.ManualClock clock, final long id,
        final long second, final Operation... ops) throws InterruptedException
    {
        clock.now.set(T + second * SECOND);
        final long first = ops.length == 1 ? ledger.submit(ops[0]) : ledger.submitChain(ops);
        assertEquals(id, first, "no other transaction came between");
        final long last = first + ops.length - 1;
        assertTrue(ledger.await(last, Level.COMMITTED, Duration.ofSeconds(10)), "tx " + last + " committed");
    }

    static String lines(final String[] all, final int from, final int to)
    {
        final StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++)
        {
            out.append(all[i]).append('\n');
        }
        return out.toString();
    }

    static String lines(final String... all)
    {
        return lines(all, 0, all.length);
    }

    /** Runs the real CLI in a child JVM (as ./ledger does) and checks it prints exactly {@code expected}. */
    private static void assertPrints(final String expected, final String... args)
    {
        check(expected, Cli.run(null, args), args);
    }

    /** The same, in this JVM (the same code, without a child JVM's start-up cost). */
    private static void assertPrintsInProcess(final String expected, final String... args)
    {
        check(expected, InProcessCli.run((String)null, args), args);
    }

    private static void check(final String expected, final Cli.Run run, final String... args)
    {
        final String what = String.join(" ", args);
        assertEquals(0, run.exit(), what + ": " + run.err());
        assertEquals(expected, run.out(), what);
        assertEquals("", run.err(), what + " says nothing on stderr");
    }

    @Test
    void feedPrintsEveryTransactionAsCsv()
    {
        assertPrints(lines(FEED_CSV), "feed", "--data", dir.toString());
        assertPrintsInProcess(lines(FEED_CSV), "feed", "--data", dir.toString(), "--from", "0");
        assertPrintsInProcess(lines(FEED_CSV), "feed", "--data", dir.toString(), "--format", "csv");
    }

    @Test
    void feedFromATransactionPrintsFromThereOn()
    {
        assertPrintsInProcess(lines(FEED_CSV, 19, 30), "feed", "--data", dir.toString(), "--from", "20");
        assertPrintsInProcess(lines(FEED_CSV, 29, 30), "feed", "--data", dir.toString(), "--from", "30");
        assertPrintsInProcess("", "feed", "--data", dir.toString(), "--from", "31");
    }

    @Test
    void feedPrintsJsonObjects()
    {
        assertPrints(lines(FEED_JSON_FROM_14), "feed", "--data", dir.toString(), "--format", "json", "--from", "14");
    }

    @Test
    void historyOfAnAccountIsNewestFirstWithSignedAmounts()
    {
        assertPrints(lines(HISTORY_1), "history", "--data", dir.toString(), "--account", "1");
        assertPrintsInProcess(lines(HISTORY_2), "history", "--data", dir.toString(), "--account", "2");
        assertPrintsInProcess(lines(HISTORY_3), "history", "--data", dir.toString(), "--account", "3");
    }

    @Test
    void historyOfTheSystemAccountAndOfAccountsWithoutAppliedTransactions()
    {
        assertPrintsInProcess(lines(HISTORY_0), "history", "--data", dir.toString(), "--account", "0");
        // account 4 was only opened inside the chain that failed; 99 never appears
        assertPrintsInProcess("", "history", "--data", dir.toString(), "--account", "4");
        assertPrintsInProcess("", "history", "--data", dir.toString(), "--account", "99");
    }

    @Test
    void historyPagesWithLimitAndBefore()
    {
        final String d = dir.toString();
        assertPrintsInProcess(lines(HISTORY_1, 0, 5), "history", "--data", d, "--account", "1", "--limit", "5");
        assertPrintsInProcess(lines(HISTORY_1, 5, 8), "history", "--data", d, "--account", "1", "--before", "11",
            "--limit", "3");
        assertPrintsInProcess(lines(HISTORY_1, 11, 12), "history", "--data", d, "--account", "1", "--before", "4");
        assertPrintsInProcess("", "history", "--data", d, "--account", "1", "--before", "1");
        assertPrintsInProcess(lines(HISTORY_1), "history", "--data", d, "--account", "1", "--before", "31");
        assertPrintsInProcess(lines(
            "{\"tx\":8,\"timestamp\":\"2030-01-01T00:00:08Z\",\"operation\":\"HOLD\",\"counterparty\":1,"
                + "\"amount\":100,\"balance_after\":0}",
            "{\"tx\":3,\"timestamp\":\"2030-01-01T00:00:03Z\",\"operation\":\"OPEN\",\"counterparty\":null,"
                + "\"amount\":0,\"balance_after\":0}"),
            "history", "--data", d, "--account", "3", "--format", "json", "--before", "9", "--limit", "2");
    }
}
