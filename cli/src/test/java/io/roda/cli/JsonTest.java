package io.roda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Issue 8, defect 15: JSON output never contains NaN or Infinity, which no JSON parser accepts. */
class JsonTest
{
    @Test
    void nonFiniteNumbersAreWrittenAsNull()
    {
        assertEquals("{\"nan\":null,\"inf\":null,\"minus_inf\":null,\"f\":null,\"list\":[null,1.5],\"ok\":2.0}",
            new Json().put("nan", Double.NaN).put("inf", 1 / 0.0).put("minus_inf", Double.NEGATIVE_INFINITY)
                .put("f", Float.NaN).put("list", List.of(Double.NaN, 1.5)).put("ok", 2.0).toString());
    }

    @Test
    void ratesOverNoElapsedTimeAreNull()
    {
        assertNull(BenchCommand.perSecond(1000, 0.0));
        assertNull(BenchCommand.perSecond(0, 0.0));
        assertEquals(500L, BenchCommand.perSecond(1000, 2.0));
    }
}
