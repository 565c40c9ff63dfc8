package io.roda.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads {@code apply}'s input one line at a time, strictly: bytes that are not valid UTF-8 stop the
 * read with {@code line N: not valid UTF-8} instead of being replaced. Works on any stream (a pipe, a
 * FIFO, {@code /dev/stdin}): it never asks for a size and reads each byte once.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped. A UTF-8 byte order mark at the very
 * start of the input is skipped (editors on Windows write one). A line longer than
 * {@link #MAX_LINE_BYTES} is an error rather than a reason to run out of memory.
 */
final class InputLines
{
    /** Longest accepted line; an operation needs fewer than 100 bytes. */
    static final int MAX_LINE_BYTES = 1 << 20;

    /** Input that cannot be read as lines of text; the message names the line. */
    static final class InputException extends Exception
    {
        private static final long serialVersionUID = 1L;

        InputException(final String message)
        {
            super(message);
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];
    private long lineNumber;

    InputLines(final InputStream in)
    {
        this.in = in;
    }

    /** @return the number of the line last returned by {@link #next()} (1-based). */
    long lineNumber()
    {
        return lineNumber;
    }

    /** @return the next line without its terminator, or null at the end of the input. */
    String next() throws IOException, InputException
    {
        int length = 0;
        boolean any = false;
        while (true)
        {
            if (position == limit)
            {
                if (eof || !fill())
                {
                    break;
                }
            }
            any = true;
            final byte b = buffer[position++];
            if (b == '\n')
            {
                return decode(length, true);
            }
            if (length == MAX_LINE_BYTES)
            {
                throw new InputException("line " + (lineNumber + 1) + ": longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (length == line.length)
            {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
            }
            line[length++] = b;
        }
        return any ? decode(length, false) : null;
    }

    private boolean fill() throws IOException
    {
        final int n = in.read(buffer, 0, buffer.length);
        if (n < 0)
        {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private String decode(final int length, final boolean terminated) throws InputException
    {
        lineNumber++;
        int from = 0;
        int to = length;
        if (lineNumber == 1 && length >= 3 && line[0] == (byte)0xEF && line[1] == (byte)0xBB && line[2] == (byte)0xBF)
        {
            from = 3; // byte order mark
        }
        if (terminated && to > from && line[to - 1] == '\r')
        {
            to--;
        }
        try
        {
            final CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, from, to - from));
            return chars.toString();
        }
        catch (final CharacterCodingException e)
        {
            throw new InputException("line " + lineNumber + ": not valid UTF-8");
        }
    }

    /** @return {@code text} in quotes, cut to its first 80 characters plus its length when longer. */
    static String quote(final String text)
    {
        if (text.length() <= 80)
        {
            return "'" + text + "'";
        }
        final int cut = Character.isHighSurrogate(text.charAt(79)) ? 79 : 80; // never half a character
        return "'" + text.substring(0, cut) + "…' (" + text.length() + " chars)";
    }
}
