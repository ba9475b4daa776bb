package dev.tollgate.cli.core;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table for people: upper-case headers, columns two spaces apart, numbers right-aligned. Null
 * cells show as {@code -}. Scripts should use {@code --output json} instead of parsing it.
 */
public final class Table {

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    private Table(String... headers) {
        this.headers = headers;
        this.right = new boolean[headers.length];
    }

    /** A table with these columns; a header ending in {@code >} is right-aligned (the {@code >} is dropped). */
    public static Table of(String... headers) {
        String[] names = new String[headers.length];
        Table table = new Table(names);
        for (int i = 0; i < headers.length; i++) {
            table.right[i] = headers[i].endsWith(">");
            names[i] = table.right[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
        return table;
    }

    public Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : c.toString()).toArray(String[]::new));
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        line(out, headers, widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String pad = " ".repeat(widths[i] - cells[i].length());
            if (right[i]) {
                b.append(pad).append(cells[i]);
            } else {
                b.append(cells[i]).append(last ? "" : pad);
            }
            if (!last) {
                b.append("  ");
            }
        }
        out.println(b.toString().stripTrailing());
    }
}
