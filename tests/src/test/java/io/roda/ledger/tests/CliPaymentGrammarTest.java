package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apply}'s payment grammar (docs/SEMANTICS.md): keys, holds, posts, voids, overdrafts, chains, and every malformed form. */
class CliPaymentGrammarTest
{
    @TempDir
    Path tmp;

    private Cli.Run apply(final Path data, final String input)
    {
        return InProcessCli.run(input, "apply", "--data", data.toString(), "--input", "-");
    }

    @Test
    void keysHoldsChainsAndOverdraftsApplyAsSpecified()
    {
        final Path data = tmp.resolve("d");
        final Cli.Run run = apply(data, String.join("\n",
            "open,1,overdraft=100",                                   // 1
            "open,2",                                                 // 2
            "transfer,1,2,150",                                       // 3 INSUFFICIENT: 100 overdraft
            "transfer,1,2,100,key=7",                                 // 4 OK: 1 at -100
            "transfer,1,2,100,key=00000000-0000-0000-0000-000000000007", // 5 the same key, same fields: DUPLICATE
            "transfer,1,2,99,key=7",                                  // 6 KEY_REUSED
            "deposit,1,1000",                                         // 7: 1 at 900
            "hold,1,2,500,timeout=60",                                // 8
            "withdraw,1,601",                                         // 9 INSUFFICIENT: 900 - 500 held + 100
            "post,8,300",                                             // 10: 1 at 600, 2 at 400
            "void,8",                                                 // 11 HOLD_ALREADY_POSTED
            "post,3",                                                 // 12 HOLD_NOT_FOUND: a transfer
            "deposit,2,5,linked",                                     // 13 LINKED_EVENT_FAILED
            "transfer,2,1,1,linked,key=8",                            // 14 LINKED_EVENT_FAILED
            "transfer,2,2,1",                                         // 15 SAME_ACCOUNT: the chain fails
            "hold,2,1,50,linked",                                     // 16
            "post,16,20,linked,key=9",                                // 17 posts the hold made in the chain
            "deposit,1,1"                                             // 18
        ) + "\n");
        assertEquals(0, run.exit(), run.err());
        assertEquals(String.join("\n", "1,OK", "2,OK", "3,INSUFFICIENT_FUNDS", "4,OK", "5,DUPLICATE", "6,KEY_REUSED",
            "7,OK", "8,OK", "9,INSUFFICIENT_FUNDS", "10,OK", "11,HOLD_ALREADY_POSTED", "12,HOLD_NOT_FOUND",
            "13,LINKED_EVENT_FAILED", "14,LINKED_EVENT_FAILED", "15,SAME_ACCOUNT", "16,OK", "17,OK", "18,OK") + "\n",
            run.out());
        // 1: -100 + 1000 - 300 + 20 + 1 = 621; 2: 100 + 300 - 20 = 380; system: -1001
        assertEquals("0,-1001\n1,621\n2,380\n", InProcessCli.run("", "balances", "--data", data.toString()).out());
        assertEquals("0,-1001,0,0\n1,621,0,0\n2,380,0,0\n",
            InProcessCli.run("", "balances", "--pending", "--data", data.toString()).out());

        final Cli.Run later = apply(data, "hold,1,2,10\ntransfer,1,2,100,key=7\ntransfer,2,1,1,key=8\n");
        assertEquals("19,OK\n20,DUPLICATE\n21,OK\n", later.out(), "keys survive a restart; a failed chain's key is free");
        assertEquals("0,-1001,0,0\n1,622,10,0\n2,379,0,10\n",
            InProcessCli.run("", "balances", "--pending", "--data", data.toString()).out());
    }

    @Test
    void malformedPaymentLinesApplyNothingAndNameTheLine()
    {
        final Path data = tmp.resolve("d");
        assertEquals("1,OK\n", apply(data, "open,1\n").out());
        final String bad = String.join("\n",
            "deposit,1,10",                                   // 1 fine
            "deposit,1,10,frobnicate=2",                      // 2 unknown option
            "open,2,key=5",                                   // 3 key on open
            "transfer,1,2,5,timeout=3",                       // 4 timeout on transfer
            "deposit,1,5,overdraft=3",                        // 5 overdraft on deposit
            "deposit,1,5,key=0",                              // 6 key 0
            "deposit,1,5,key=340282366920938463463374607431768211456", // 7 2^128
            "open,3,overdraft=-1",                            // 8 negative overdraft
            "hold,1,2,5,timeout=-1",                          // 9 negative timeout
            "deposit,1,5,key=1,key=2",                        // 10 option twice
            "deposit,1,5,key=zz",                             // 11 not a key
            "hold,1,2,5,linked,timeout=1,linked",             // 12 linked twice
            "deposit,1,5,linked,7",                           // 13 positional after an option
            "deposit,1,10,linked"                             // 14 linked on the last operation
        ) + "\n";
        final Cli.Run run = apply(data, bad);
        assertEquals(2, run.exit(), run.err());
        assertEquals("", run.out());
        final String err = run.err();
        assertTrue(err.contains("line 2: unknown option 'frobnicate'"), err);
        assertTrue(err.contains("line 3: option key does not belong to open"), err);
        assertTrue(err.contains("line 4: option timeout does not belong to transfer"), err);
        assertTrue(err.contains("line 5: option overdraft does not belong to deposit"), err);
        assertTrue(err.contains("line 6: key 0 is not a key"), err);
        assertTrue(err.contains("line 7: key '340282366920938463463374607431768211456' is out of range"), err);
        assertTrue(err.contains("line 8: overdraft '-1' is negative"), err);
        assertTrue(err.contains("line 9: timeout '-1' is out of range"), err);
        assertTrue(err.contains("line 10: option key appears twice"), err);
        assertTrue(err.contains("line 11: key 'zz' is neither a UUID nor a decimal integer"), err);
        assertTrue(err.contains("line 12: option linked appears twice"), err);
        assertTrue(err.contains("line 13: field '7' follows an option"), err);
        assertTrue(err.contains("line 14: linked on the last operation of the input"), err);
        assertTrue(!err.contains("line 1:"), err);
        assertEquals("0,0\n1,0\n", InProcessCli.run("", "balances", "--data", data.toString()).out(), "nothing applied");
    }

    @Test
    void aChainLongerThanTheLimitIsMalformedAndOneAtTheLimitApplies()
    {
        final Path data = tmp.resolve("d");
        final StringBuilder atLimit = new StringBuilder("open,1\nopen,2\ndeposit,1,100000\n");
        for (int i = 0; i < 4095; i++)
        {
            atLimit.append("transfer,1,2,1,linked\n");
        }
        atLimit.append("transfer,1,2,1\n");
        final Cli.Run ok = apply(data, atLimit.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().endsWith("4099,OK\n"), "a chain of 4,096 members applies");
        assertEquals("0,-100000\n1,95904\n2,4096\n", InProcessCli.run("", "balances", "--data", data.toString()).out());

        final StringBuilder tooLong = new StringBuilder();
        for (int i = 0; i < 4096; i++)
        {
            tooLong.append("transfer,1,2,1,linked\n");
        }
        tooLong.append("transfer,1,2,1\n");
        final Cli.Run refused = apply(data, tooLong.toString());
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("line 4097: the linked chain grows past the supported limit of 4096"),
            refused.err());
    }
}
