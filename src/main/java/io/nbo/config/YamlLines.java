package io.nbo.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Where the entries of a YAML file's top-level lists start, so errors in rules-folder files can name a line. */
public final class YamlLines {

    private YamlLines() {
    }

    /** Top-level field → the line (1-based) on which each entry of its list starts; fields that are not lists are left out. */
    public static Map<String, List<Integer>> ofListEntries(JsonFactory yaml, String text) throws JsonProcessingException {
        Map<String, List<Integer>> lines = new HashMap<>();
        try (JsonParser p = yaml.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return lines;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY) {
                    List<Integer> l = lines.computeIfAbsent(field, f -> new ArrayList<>());
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        l.add(p.currentTokenLocation().getLineNr());
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return lines;
    }
}
