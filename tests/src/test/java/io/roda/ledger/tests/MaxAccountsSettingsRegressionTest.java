package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.ledger.SettingsConflictException;

/**
 * Issue 8, item 9: settings that change replay results were not stored with the data, so reopening a
 * healthy ledger with a smaller --max-accounts reported corruption. They are stored in DIR/LEDGER at
 * creation; a conflicting value is refused naming both, an absent one adopts the stored value.
 */
@Timeout(120)
class MaxAccountsSettingsRegressionTest
{
    @TempDir
    Path dir;

    @Test
    void aSmallerMaxAccountsIsASettingsConflictNotCorruptionAndOmittingItAdoptsTheStoredOne() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(100).snapshotOnClose(false).build()))
        {
            long last = 0;
            for (long account = 1; account <= 80; account++)
            {
                last = ledger.openAccount(account);
            }
            ledger.await(last, Level.COMMITTED, Duration.ofSeconds(30));
        }
        final SettingsConflictException api = assertThrows(SettingsConflictException.class,
            () -> Ledger.open(LedgerConfig.builder(dir).maxAccounts(50).build()));
        assertTrue(api.getMessage().contains("maxAccounts") && api.getMessage().contains("stores 100")
            && api.getMessage().contains("50 was given"), api.getMessage());
        assertThrows(SettingsConflictException.class, () -> Recovery.recover(dir, 50, null));

        try (Ledger ledger = Ledger.open(dir))
        {
            assertEquals(100, ledger.config().maxAccounts(), "the stored value is adopted");
            assertEquals(80, ledger.accountCount());
        }
        assertEquals(80, Recovery.recover(dir, Recovery.USE_STORED, null).report().accounts());

        final Cli.Run conflicting = Cli.run(null, "recover", "--data", dir.toString(), "--max-accounts", "50");
        assertEquals(1, conflicting.exit(), conflicting.out());
        assertTrue(conflicting.out().contains("stores 100"), conflicting.out());
        final Cli.Run stored = Cli.run(null, "recover", "--data", dir.toString());
        assertEquals(0, stored.exit(), stored.out() + stored.err());
        final Cli.Run apply = Cli.run("open,81\n", "apply", "--data", dir.toString(), "--input", "-");
        assertEquals(0, apply.exit(), apply.err());
        assertTrue(apply.out().endsWith(",OK\n"), apply.out());
    }
}
