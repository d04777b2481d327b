package io.nbo.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.nbo.context.CustomerDataValidator;
import io.nbo.context.ProfileValues;
import io.nbo.model.Channel;
import io.nbo.model.CustomerData;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads CSV with a header row: {@code id}, {@code profile.<name>} (typed like
 * {@link ProfileValues#fromText}), {@code consent.<channel>} (true/false, 1/0, yes/no) and
 * {@code engagement.<channel>.<metric>} (a count). An empty cell leaves the value out. An unknown
 * column stops the import before anything is written.
 */
final class CsvReader implements CustomerReader {

    private static final CsvMapper CSV = new CsvMapper();
    static final String COLUMNS = "id, profile.<name>, consent.<channel>, engagement.<channel>.<metric>";

    private enum Kind { ID, PROFILE, CONSENT, ENGAGEMENT }

    private record Column(Kind kind, String name, String metric) {
    }

    private final CsvParser parser;
    private final List<Column> columns;
    private final CustomerDataValidator validator;
    private long rowLine;

    /** Opens the file and checks its header; a bad header is a {@link UsageProblem}. */
    CsvReader(Reader in, CustomerDataValidator validator) throws IOException {
        this.validator = validator;
        this.parser = CSV.getFactory().createParser(in);
        List<String> header = row();
        if (header == null) {
            throw new UsageProblem("the CSV file is empty: it needs a header row (" + COLUMNS + ")");
        }
        this.columns = header(header);
    }

    private static List<Column> header(List<String> names) {
        List<Column> columns = new ArrayList<>(names.size());
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim();
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            if (!seen.add(name)) {
                problems.add("column \"" + name + "\" appears twice");
            }
            Column column = column(name, problems);
            columns.add(column);
        }
        if (!seen.contains("id")) {
            problems.add("no \"id\" column");
        }
        if (!problems.isEmpty()) {
            throw new UsageProblem("CSV header (line 1): " + String.join("; ", problems)
                    + ". Columns are " + COLUMNS + "; channels are " + Channel.ids() + ".");
        }
        return columns;
    }

    private static Column column(String name, List<String> problems) {
        if (name.equals("id")) {
            return new Column(Kind.ID, null, null);
        }
        if (name.startsWith("profile.")) {
            String attribute = name.substring("profile.".length());
            if (!ProfileValues.NAME.matcher(attribute).matches()) {
                problems.add("column \"" + name + "\": attribute names start with a letter and use letters, digits, '_', '-' or '.' (at most 64)");
            }
            return new Column(Kind.PROFILE, attribute, null);
        }
        if (name.startsWith("consent.")) {
            String channel = name.substring("consent.".length());
            if (Channel.fromId(channel).isEmpty()) {
                problems.add("column \"" + name + "\": \"" + channel + "\" is not a channel");
            }
            return new Column(Kind.CONSENT, channel, null);
        }
        if (name.startsWith("engagement.")) {
            String rest = name.substring("engagement.".length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                problems.add("column \"" + name + "\": expected engagement.<channel>.<metric>");
                return new Column(Kind.ENGAGEMENT, rest, "");
            }
            String channel = rest.substring(0, dot);
            String metric = rest.substring(dot + 1);
            if (Channel.fromId(channel).isEmpty()) {
                problems.add("column \"" + name + "\": \"" + channel + "\" is not a channel");
            }
            if (!CustomerDataValidator.METRIC.matcher(metric).matches()) {
                problems.add("column \"" + name + "\": metric names are lowercase letters, digits and '_'");
            }
            return new Column(Kind.ENGAGEMENT, channel, metric);
        }
        problems.add("unknown column \"" + name + "\"");
        return null;
    }

    @Override
    public CustomerLine next() throws IOException {
        List<String> cells = row();
        return cells == null ? null : parse(rowLine, cells);
    }

    /** The next non-blank row's cells, or null at the end; remembers the line the row starts on. */
    private List<String> row() throws IOException {
        while (parser.nextToken() != null) {
            // Without a schema the CSV parser exposes every row as an array of strings. The row's own
            // location is where the previous one ended; its first cell's is where the row starts.
            List<String> cells = new ArrayList<>();
            rowLine = -1;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                if (rowLine < 0) {
                    rowLine = parser.currentTokenLocation().getLineNr();
                }
                cells.add(parser.getText());
            }
            boolean blank = cells.isEmpty() || (cells.size() == 1 && cells.get(0).isBlank());
            if (!blank) {
                return cells;
            }
        }
        return null;
    }

    private CustomerLine parse(long line, List<String> cells) {
        if (cells.size() != columns.size()) {
            return CustomerLine.rejected(line, "has " + cells.size() + " cells, the header has " + columns.size());
        }
        LineProblems problems = new LineProblems();
        String id = null;
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, Boolean> consent = new LinkedHashMap<>();
        Map<String, Map<String, Long>> engagement = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            Column column = columns.get(i);
            String cell = cells.get(i).trim();
            if (column.kind() == Kind.ID) {
                id = cell;
                continue;
            }
            if (cell.isEmpty()) {
                continue;
            }
            switch (column.kind()) {
                case PROFILE -> raw.put(column.name(), ProfileValues.fromText(cell));
                case CONSENT -> {
                    Boolean given = consentValue(cell);
                    if (given == null) {
                        problems.add("consent." + column.name(), "must be true/false, 1/0 or yes/no (got " + LineProblems.quote(cell) + ")");
                    } else {
                        consent.put(column.name(), given);
                    }
                }
                case ENGAGEMENT -> {
                    if (cell.matches("\\d{1,18}")) {
                        engagement.computeIfAbsent(column.name(), c -> new LinkedHashMap<>()).put(column.metric(), Long.parseLong(cell));
                    } else {
                        problems.add("engagement." + column.name() + "." + column.metric(),
                                "must be a non-negative integer (got " + LineProblems.quote(cell) + ")");
                    }
                }
                default -> throw new IllegalStateException("unexpected column " + column);
            }
        }
        return problems.check(line, id, new CustomerData(raw, consent, engagement, null, null), validator);
    }

    private static Boolean consentValue(String cell) {
        return switch (cell.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
