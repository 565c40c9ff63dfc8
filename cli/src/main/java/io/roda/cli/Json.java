package io.roda.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON object writer for the CLI's machine-readable output (flat values, lists and nested maps).
 * A NaN or infinite number is written as {@code null}: JSON has neither.
 */
final class Json
{
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(final String key, final Object value)
    {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        write(out, fields);
        return out.toString();
    }

    private static void write(final StringBuilder out, final Object value)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Json)
        {
            write(out, ((Json)value).fields);
        }
        else if (value instanceof Map)
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)value).entrySet())
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        }
        else if (value instanceof List)
        {
            out.append('[');
            boolean first = true;
            for (final Object item : (List<?>)value)
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                write(out, item);
            }
            out.append(']');
        }
        else if ((value instanceof Double && !Double.isFinite((Double)value))
            || (value instanceof Float && !Float.isFinite((Float)value)))
        {
            out.append("null"); // JSON has no NaN or Infinity
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static void string(final StringBuilder out, final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
