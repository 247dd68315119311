package dev.baton.server.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV (RFC 4180: fields may be double-quoted, a quoted field may hold separators, line breaks and
 * doubled quotes) or TSV (no quoting) text into rows of fields, remembering each row's first line number.
 */
final class DelimitedText {

    /**
     * One row.
     *
     * @param line   1-based line where the row starts
     * @param fields its fields, unquoted
     */
    record Row(int line, List<String> fields) {
        Row {
            fields = List.copyOf(fields);
        }

        boolean isBlank() {
            return fields.size() == 1 && fields.getFirst().isBlank();
        }
    }

    private DelimitedText() {
    }

    static List<Row> parse(String text, char separator, boolean quoting) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        boolean quoted = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < n && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (ch == '"') {
                    quoted = false;
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
                i++;
                continue;
            }
            if (quoting && ch == '"' && field.isEmpty()) {
                quoted = true;
            } else if (ch == separator) {
                fields.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n') {
                fields.add(stripCarriageReturn(field));
                rows.add(new Row(rowLine, fields));
                fields = new ArrayList<>();
                field.setLength(0);
                line++;
                rowLine = line;
            } else {
                field.append(ch);
            }
            i++;
        }
        if (!field.isEmpty() || !fields.isEmpty()) {
            fields.add(stripCarriageReturn(field));
            rows.add(new Row(rowLine, fields));
        }
        return rows;
    }

    private static String stripCarriageReturn(StringBuilder field) {
        int len = field.length();
        return len > 0 && field.charAt(len - 1) == '\r' ? field.substring(0, len - 1) : field.toString();
    }
}
