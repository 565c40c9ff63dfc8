package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.roda.ledger.Ledger;
import io.roda.ledger.LedgerConfig;
import io.roda.ledger.LedgerException;
import io.roda.ledger.Level;
import io.roda.ledger.Recovery;
import io.roda.ledger.RecoveryException;
import io.roda.wal.WalReader;

/** A WAL of format 2 (before the frame trailer) is refused with a message saying so, and nothing is changed. */
@Timeout(120)
class WalVersion2AttackTest
{
    @TempDir
    Path tmp;

    @Test
    void aVersion2WalIsRefusedByRecoveryAndOpenAndLeftAlone() throws Exception
    {
        final Path dir = tmp.resolve("ledger");
        try (Ledger ledger = Ledger.open(LedgerConfig.builder(dir).maxAccounts(10).snapshotOnClose(false)
            .walSegmentSize(1 << 20).maxBatch(64).laneSize(64).build()))
        {
            ledger.openAccount(1);
            assertTrue(ledger.await(ledger.deposit(1, 5), Level.COMMITTED, Duration.ofSeconds(30)));
        }
        final List<Path> segments = WalReader.listSegments(Recovery.walDirectory(dir));
        for (final Path segment : segments)
        {
            asVersion2(segment);
        }
        final TreeMap<String, String> before = digest(dir);
        final RecoveryException r = assertThrows(RecoveryException.class, () -> Recovery.recover(dir, Recovery.USE_STORED, null));
        assertTrue(r.getMessage().contains("version 2") && r.getMessage().contains(segments.get(0).toString()), r.getMessage());
        final LedgerException o = assertThrows(LedgerException.class, () -> Ledger.open(LedgerConfig.builder(dir).build()));
        assertTrue(String.valueOf(o.getMessage()).contains("version 2"), o.getMessage());
        assertEquals(before, digest(dir), "a refused directory is left as it was");
    }

    private static void asVersion2(final Path segment) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw"))
        {
            final byte[] header = new byte[64];
            file.readFully(header);
            final ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(8, 2);
            final CRC32C crc = new CRC32C();
            crc.update(header, 0, 12);
            crc.update(header, 16, 48);
            b.putInt(12, (int)crc.getValue());
            file.seek(0);
            file.write(header);
        }
    }

    private static TreeMap<String, String> digest(final Path dir) throws Exception
    {
        final TreeMap<String, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(p))
                {
                    all.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
                else
                {
                    all.put(dir.relativize(p) + "/", "dir");
                }
            }
        }
        return all;
    }
}
