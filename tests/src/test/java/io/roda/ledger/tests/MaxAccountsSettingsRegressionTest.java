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

        // found by the attack on the fix (h-attack2 D2, D3): apply said exit 3, inspect said CORRUPT
        final Cli.Run conflictingApply = Cli.run("open,82\n", "apply", "--data", dir.toString(), "--input", "-",
            "--max-accounts", "50");
        assertEquals(1, conflictingApply.exit(), conflictingApply.err());
        assertTrue(conflictingApply.err().contains("stores 100") && conflictingApply.out().isEmpty(),
            conflictingApply.out() + conflictingApply.err());
        final Cli.Run conflictingInspect = Cli.run(null, "inspect", "--data", dir.toString(), "--max-accounts", "50");
        assertEquals(1, conflictingInspect.exit(), conflictingInspect.out());
        assertTrue(conflictingInspect.out().contains("SETTINGS CONFLICT") && !conflictingInspect.out().contains("CORRUPT"),
            conflictingInspect.out());
        assertEquals(81, Recovery.recover(dir, Recovery.USE_STORED, null).report().accounts(), "nothing applied");
    }

    /**
     * Found by the attack on the fix (h-attack2 D4): a LEDGER file recording a maxAccounts out of range made
     * apply exit 5 with "maxAccounts must be in 1..268435456, was 0", as if the user had passed it, and no
     * command named the file. It is damaged data: exit 1, naming DIR/LEDGER.
     */
    @Test
    void aStoredMaxAccountsOutOfRangeIsDamagedDataNamingTheFile() throws Exception
    {
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(100).build()))
        {
            ledger.openAccount(1);
        }
        final Path file = dir.resolve("LEDGER");
        final byte[] bytes = java.nio.file.Files.readAllBytes(file);
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < bytes.length; at += 4096) // two copies (FORMATS.md, LEDGER file)
        {
            assertEquals(100, buffer.getLong(at + 24), "maxAccounts of copy at " + at);
            buffer.putLong(at + 24, 0);
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C(); // bytes 0..11 and 16..63 of the copy
            crc.update(bytes, at, 12);
            crc.update(bytes, at + 16, 48);
            buffer.putInt(at + 12, (int)crc.getValue());
        }
        java.nio.file.Files.write(file, bytes);
        for (final String command : new String[] {"recover", "apply"})
        {
            final Cli.Run run = command.equals("apply")
                ? Cli.run("open,2\n", "apply", "--data", dir.toString(), "--input", "-")
                : Cli.run(null, "recover", "--data", dir.toString());
            assertEquals(1, run.exit(), command + ": " + run.out() + run.err());
            assertTrue((run.out() + run.err()).contains("LEDGER records maxAccounts 0"), command + ": " + run.out() + run.err());
        }
    }
}
