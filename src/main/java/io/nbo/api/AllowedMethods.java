package io.nbo.api;

import io.quarkus.arc.Arc;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each API path takes, for the {@code Allow} header of a 405 (the framework's 405 has
 * none): read once from the resource classes' {@code @Path} and method annotations.
 */
final class AllowedMethods {

    private record Route(Pattern path, String method) {
    }

    private static volatile List<Route> routes;

    private AllowedMethods() {
    }

    /** The methods {@code path} takes (HEAD with GET, OPTIONS with any), sorted; empty for a path no resource has. */
    static Set<String> of(String path) {
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes()) {
            if (r.path().matcher(path).matches()) {
                allowed.add(r.method());
                if (r.method().equals(HttpMethod.GET)) {
                    allowed.add(HttpMethod.HEAD);
                }
                allowed.add(HttpMethod.OPTIONS);
            }
        }
        return allowed;
    }

    private static List<Route> routes() {
        List<Route> known = routes;
        if (known == null) {
            known = new ArrayList<>();
            for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                Class<?> type = bean.getBeanClass();
                Path root = type.getAnnotation(Path.class);
                if (root == null || !type.getPackageName().startsWith("io.nbo.")) {
                    continue;
                }
                for (Method m : type.getMethods()) {
                    String method = httpMethod(m);
                    if (method != null) {
                        Path sub = m.getAnnotation(Path.class);
                        known.add(new Route(template(root.value() + (sub == null ? "" : "/" + sub.value())), method));
                    }
                }
            }
            routes = known;
        }
        return known;
    }

    private static String httpMethod(Method m) {
        for (var a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    /** {@code /v1/customers/{id}/export} as a pattern: a template parameter is one path segment. */
    private static Pattern template(String path) {
        String normalized = ("/" + path).replaceAll("/+", "/").replaceAll("(.)/$", "$1");
        StringBuilder regex = new StringBuilder();
        for (String part : normalized.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }
}
