package io.roda.ledger.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.roda.wal.WalFormat;

/** The frames of a WAL segment, walked by their headers (docs/FORMATS.md), for tests that damage one of them. */
final class WalFrames
{
    /** A frame: where it starts in its segment, its whole length (header, body, trailer) and its records. */
    record Frame(Path segment, int offset, int length, long firstTxId, int count)
    {
    }

    private WalFrames()
    {
    }

    /** @return the segment's frames in order, up to the first position that does not start one. */
    static List<Frame> of(final Path segment) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment)).order(ByteOrder.LITTLE_ENDIAN);
        final List<Frame> frames = new ArrayList<>();
        int offset = WalFormat.SEGMENT_HEADER_LENGTH;
        while (offset + WalFormat.FRAME_HEADER_LENGTH <= bytes.capacity() && bytes.getInt(offset) == WalFormat.FRAME_MAGIC)
        {
            final int length = WalFormat.frameLength(bytes.getInt(offset + 20));
            assertEquals(WalFormat.FRAME_TRAILER, bytes.getLong(offset + length - WalFormat.FRAME_TRAILER_LENGTH),
                "every frame ends with the trailer");
            frames.add(new Frame(segment, offset, length, bytes.getLong(offset + 8), bytes.getInt(offset + 4)));
            offset += length;
        }
        return frames;
    }
}
