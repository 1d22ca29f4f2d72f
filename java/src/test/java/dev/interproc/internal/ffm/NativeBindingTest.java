package dev.interproc.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written bindings must bind every function of interproc.h and interproc_debug.h, with its exact
 * signature, and nothing else; except the queue's functions, which are for C programs: Java runs the queue
 * protocol itself on the same bytes (QueueRing), so bindings of them would never be called.
 */
class NativeBindingTest {

    /** The headers whose functions libinterproc exports: the API and its test hooks. */
    private static final List<String> HEADERS = List.of("interproc.h", "interproc_debug.h");

    /** Functions for C programs only, by the start of their names: the queue's and its test hook. */
    private static final List<String> C_ONLY = List.of("ip_queue_", "ip_debug_set_queue_");

    private static final Pattern DECLARATION =
            Pattern.compile("IP_API\\s+([\\w\\s]+?\\s*\\**)\\s*(ip_\\w+)\\s*\\(([^)]*)\\)\\s*;", Pattern.DOTALL);

    @Test
    void bindingsMatchTheHeaders() throws IOException {
        Map<String, String> fromHeaders = new LinkedHashMap<>();
        for (String header : HEADERS) {
            Path path = Path.of(System.getProperty("interproc.repo.root"), "native", "include", header);
            Matcher matcher = DECLARATION.matcher(Files.readString(path));
            while (matcher.find()) {
                if (C_ONLY.stream().anyMatch(matcher.group(2)::startsWith)) {
                    continue;
                }
                String previous = fromHeaders.put(matcher.group(2), signature(matcher.group(1), matcher.group(3)));
                assertNull(previous, matcher.group(2) + " is declared twice in " + HEADERS);
            }
        }
        Map<String, String> fromBindings = new LinkedHashMap<>();
        Native.descriptors().forEach((name, descriptor) -> fromBindings.put(name, signature(descriptor)));
        assertEquals(
                fromHeaders,
                fromBindings,
                "native/include/" + HEADERS + " and dev.interproc.internal.ffm.Native disagree:"
                        + " add, remove or fix the binding");
    }

    private static String signature(String returnType, String parameters) {
        List<String> kinds = new ArrayList<>();
        String params = parameters.replaceAll("\\s+", " ").trim();
        if (!params.equals("void") && !params.isEmpty()) {
            for (String parameter : params.split(",")) {
                String p = parameter.trim();
                kinds.add(kind(
                        p.contains("*")
                                ? "*"
                                : p.substring(0, p.lastIndexOf(' ')).replace("const ", "")));
            }
        }
        return kind(returnType.replace("const ", "").trim()) + " " + kinds;
    }

    private static String kind(String cType) {
        if (cType.contains("*")) {
            return "pointer";
        }
        return switch (cType.trim()) {
            case "void" -> "void";
            case "int", "int32_t", "uint32_t" -> "int32";
            case "int64_t", "uint64_t" -> "int64";
            default -> throw new AssertionError("the binding test does not know the C type '" + cType + "'");
        };
    }

    private static String signature(FunctionDescriptor descriptor) {
        List<String> kinds = descriptor.argumentLayouts().stream()
                .map(NativeBindingTest::kind)
                .toList();
        return descriptor.returnLayout().map(NativeBindingTest::kind).orElse("void") + " " + kinds;
    }

    private static String kind(MemoryLayout layout) {
        if (layout instanceof ValueLayout.OfInt) {
            return "int32";
        } else if (layout instanceof ValueLayout.OfLong) {
            return "int64";
        } else if (layout instanceof java.lang.foreign.AddressLayout) {
            return "pointer";
        }
        throw new AssertionError("the binding test does not know the layout " + layout);
    }
}
