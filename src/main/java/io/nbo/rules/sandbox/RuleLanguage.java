package io.nbo.rules.sandbox;

import io.nbo.model.Cart;
import io.nbo.model.CartItem;
import io.nbo.model.Customer;
import io.nbo.model.Event;
import io.nbo.model.Offer;
import io.nbo.model.Request;
import io.nbo.model.Result;
import io.nbo.model.Text;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The marketer language's vocabulary: the fact types rules match, and every class and method a rule may
 * reach. Both checks read it: {@link DrlSandbox} on the syntax tree (names resolved against these types)
 * and {@link BytecodeVerifier} on the compiled classes (every call's owner and name). Whatever is not
 * listed is refused. See "The marketer language" in {@code rules/README.md}.
 */
public final class RuleLanguage {

    /** Types a pattern may match: the facts nbo puts in the session. */
    public static final Map<String, Class<?>> FACT_TYPES = Map.of(
            "Customer", Customer.class, "Request", Request.class, "Offer", Offer.class, "Result", Result.class);

    /** Types a pattern may take {@code from} a list of the fact model: {@code CartItem(price > 100) from $c.cart.items}. */
    public static final Map<String, Class<?>> ELEMENT_TYPES = Map.of("CartItem", CartItem.class, "Event", Event.class);

    /**
     * Methods rules may call, by declaring class. Property reads ({@code cart.total}) resolve to the
     * listed getters ({@code getTotal}). Every method listed reads immutable data, or writes only to
     * the decision's {@link Result}, and finishes in time bounded by its input.
     */
    public static final Map<Class<?>, Set<String>> METHODS = Map.ofEntries(
            Map.entry(Customer.class, Set.of("getId", "isKnown", "has", "text", "number", "flag", "daysSince", "consents",
                    "engagement", "cartIdleHours", "recentCount", "recentlyDid", "timesShown", "responses", "contactsOn",
                    "currentMonth", "getCart", "getRecent")),
            Map.entry(Request.class, Set.of("getChannel", "getPlacement", "getPage", "getDevice", "attr", "number")),
            Map.entry(Offer.class, Set.of("getId", "getName", "getGroup", "getValue", "getCost", "getNetValue", "getWeight",
                    "getTags", "isFallback", "deliversOn")),
            Map.entry(Cart.class, Set.of("getItems", "isEmpty", "getTotal", "getItemCount", "hasCategory")),
            Map.entry(CartItem.class, Set.of("getSku", "getName", "getCategory", "getPrice", "getQuantity", "getLineTotal")),
            Map.entry(Event.class, Set.of("getType", "attr")),
            // firing() and handOver() are nbo's: a rule calling them could take credit for another or lose the result.
            Map.entry(Result.class, Set.of("eligible", "exclude", "boost", "preferChannel")),
            Map.entry(Text.class, Set.of("matches")),
            // No repeat, format, matches, replaceAll or split: their cost is not bounded by the text's length,
            // or they run java.util.regex, which can backtrack for ever.
            Map.entry(String.class, Set.of("length", "isEmpty", "isBlank", "startsWith", "endsWith", "contains", "equals",
                    "equalsIgnoreCase", "toLowerCase", "toUpperCase", "trim", "strip", "substring", "indexOf", "lastIndexOf",
                    "compareTo", "compareToIgnoreCase", "concat", "charAt")),
            Map.entry(List.class, Set.of("size", "isEmpty", "contains", "get")),
            Map.entry(Collection.class, Set.of("size", "isEmpty", "contains")),
            Map.entry(Math.class, Set.of("abs", "min", "max", "round", "floor", "ceil", "sqrt", "signum")));

    /** Classes a rule may name on its own, as the scope of a static call: {@code Math.max(...)}, {@code Text.matches(...)}. */
    public static final Map<String, Class<?>> STATIC_SCOPES = Map.of("Math", Math.class, "Text", Text.class);

    /** Types of local variables in actions. */
    public static final Map<String, Class<?>> LOCAL_TYPES = Map.of("String", String.class, "int", int.class,
            "long", long.class, "double", double.class, "boolean", boolean.class);

    private RuleLanguage() {
    }

    /** Whether a rule may call {@code name} on {@code owner} (or on a supertype of it that is listed). */
    public static boolean allows(Class<?> owner, String name) {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            Set<String> names = METHODS.get(c);
            if (names != null && names.contains(name)) {
                return true;
            }
        }
        for (Class<?> i : owner.getInterfaces()) {
            if (allows(i, name)) {
                return true;
            }
        }
        return false;
    }

    /** The public methods of {@code owner} a rule may call under this name (overloads included). */
    public static List<Method> methods(Class<?> owner, String name) {
        if (!allows(owner, name)) {
            return List.of();
        }
        return Arrays.stream(owner.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic())
                .toList();
    }

    /**
     * The getter a property name reads on {@code owner} ({@code total} on {@code Cart} is {@code getTotal},
     * {@code known} on {@code Customer} is {@code isKnown}), when rules may call it.
     */
    public static Optional<Method> property(Class<?> owner, String property) {
        if (property.isEmpty()) {
            return Optional.empty();
        }
        String cap = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : List.of("get" + cap, "is" + cap)) {
            for (Method m : methods(owner, name)) {
                if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }
}
