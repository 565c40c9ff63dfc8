package io.roda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Issue 8, defect 14, at the unit level: strict UTF-8 lines and ASCII-only numbers. */
class InputLinesTest
{
    private static InputLines lines(final byte[] bytes)
    {
        return new InputLines(new ByteArrayInputStream(bytes));
    }

    @Test
    void splitsOnNewlineDropsCarriageReturnAndKeepsAnUnterminatedLastLine() throws Exception
    {
        final InputLines in = lines("a\r\n\nb\u00e9c\nlast".getBytes(StandardCharsets.UTF_8));
        assertEquals("a", in.next());
        assertEquals("", in.next());
        assertEquals("b\u00e9c", in.next());
        assertEquals("last", in.next());
        assertEquals(4, in.lineNumber());
        assertNull(in.next());
    }

    @Test
    void invalidUtf8NamesTheLine() throws Exception
    {
        final InputLines in = lines(new byte[] {'o', 'k', '\n', 'x', (byte)0xC0, (byte)0x80, '\n'}); // overlong NUL
        assertEquals("ok", in.next());
        final InputLines.InputException e = assertThrows(InputLines.InputException.class, in::next);
        assertEquals("line 2: not valid UTF-8", e.getMessage());
    }

    @Test
    void aByteOrderMarkIsSkippedOnlyAtTheStart() throws Exception
    {
        final InputLines in = lines("\uFEFFopen,1\n\uFEFFopen,2\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("open,1", in.next());
        assertEquals("\uFEFFopen,2", in.next(), "later, it is just a character (and the parser rejects it)");
    }

    @Test
    void aLineLongerThanTheLimitIsAnErrorNotAnOutOfMemory()
    {
        final byte[] huge = new byte[InputLines.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(huge, (byte)'x');
        final InputLines.InputException e = assertThrows(InputLines.InputException.class, () -> lines(huge).next());
        assertTrue(e.getMessage().startsWith("line 1: longer than"), e.getMessage());
    }

    @Test
    void numbersAreSignAndAsciiDigitsWithExactOverflow()
    {
        final OperationParser p = new OperationParser();
        assertTrue(p.parse("deposit, 1 ,9223372036854775807"));
        assertEquals(Long.MAX_VALUE, p.amount);
        assertTrue(p.parse("deposit,+1,-9223372036854775808"));
        assertEquals(1, p.account);
        assertEquals(Long.MIN_VALUE, p.amount);
        for (final String bad : new String[] {"9223372036854775808", "-9223372036854775809", "", "-", "+", "1 2", "0x10",
            "\u0661", "\uFF11", "1\u0660", "\u00b2"})
        {
            assertFalse(p.parse("deposit,1," + bad), bad);
            assertTrue(p.error.startsWith("amount '"), p.error);
        }
        assertFalse(p.parse("open,\u0661"));
        assertEquals("account '\u0661' has a non-ASCII digit (only 0-9 are accepted)", p.error);
    }

    @Test
    void quotesAreCutAt80CharactersNeverInsideACharacter()
    {
        assertEquals("'abc'", InputLines.quote("abc"));
        assertEquals("'" + "y".repeat(80) + "…' (81 chars)", InputLines.quote("y".repeat(81)));
        final String pairs = "y".repeat(79) + "\uD83D\uDE00" + "z";
        assertEquals("'" + "y".repeat(79) + "…' (82 chars)", InputLines.quote(pairs));
    }
}
