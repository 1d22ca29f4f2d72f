package dev.interproc.testing;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The package arrows of docs/design.md ("Packages and their arrows") checked against compiled classes: the library's
 * and the command line's architecture tests each give the drawing of their own packages.
 */
public final class PackageArrows {

    /** The root package; the drawing names packages relative to it, the root itself as "". */
    public static final String ROOT = "dev.interproc";

    private PackageArrows() {}

    /**
     * The dependencies between interproc packages that the drawing does not allow.
     *
     * @param classes the classes whose dependencies are checked
     * @param allowed each package of the drawing and the packages it may depend on; a package not in the map may
     *     depend on no other interproc package
     * @return each package with a forbidden dependency (the root as {@value #ROOT}) and the packages it must not use;
     *     empty when the classes keep to the drawing
     */
    public static Map<String, Set<String>> forbidden(JavaClasses classes, Map<String, Set<String>> allowed) {
        Map<String, Set<String>> found = new TreeMap<>();
        for (JavaClass origin : classes) {
            String from = relative(origin.getPackageName());
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String target = dependency.getTargetClass().getPackageName();
                if (target.startsWith(ROOT) && !relative(target).equals(from)) {
                    found.computeIfAbsent(from, key -> new TreeSet<>()).add(relative(target));
                }
            }
        }
        Map<String, Set<String>> forbidden = new TreeMap<>();
        found.forEach((from, targets) -> {
            Set<String> extra = new TreeSet<>(targets);
            extra.removeAll(allowed.getOrDefault(from, Set.of()));
            if (!extra.isEmpty()) {
                forbidden.put(from.isEmpty() ? ROOT : from, extra);
            }
        });
        return forbidden;
    }

    private static String relative(String packageName) {
        return packageName.equals(ROOT) ? "" : packageName.substring(ROOT.length() + 1);
    }
}
