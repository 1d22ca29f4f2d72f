package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON writer behind --json: escaping, nesting and the values it refuses. */
class JsonTest {

    @Test
    void escapesEveryCharacterJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i/é\"", Json.write("a\"b\\c\nd\re\tf\bg\fh\u0001i/é"));
    }

    @Test
    void writesNestedObjectsAndArraysInOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1L);
        inner.put("a", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("list", List.of(true, 2, "x"));
        outer.put("inner", inner);
        outer.put("empty", List.of());
        outer.put("none", Map.of());
        assertEquals("""
                {
                  "list": [
                    true,
                    2,
                    "x"
                  ],
                  "inner": {
                    "z": 1,
                    "a": null
                  },
                  "empty": [],
                  "none": {}
                }""", Json.write(outer));
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(1.5f)));
    }

    @Test
    void writesFiniteDoublesAsNumbersAndTheOthersAsStrings() {
        assertEquals(
                "[\n  0.5,\n  1.0E21,\n  \"NaN\",\n  \"-Infinity\"\n]",
                Json.write(List.of(0.5, 1e21, Double.NaN, Double.NEGATIVE_INFINITY)));
    }
}
