import io.nbo.model.Offer;
import io.nbo.model.Result;
import io.nbo.rules.RuleSet;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionsPool;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Prototypes of two other ways to evaluate a rule set, measured beside {@link RuleSet#evaluate} (which
 * builds a new session per decision) to see what the per-decision cost at 10,000 rules is made of.
 * They are not nbo's code: {@code RuleSet} keeps its KIE base private, so this reads it by reflection.
 * Neither checks the per-decision time budget ({@code RuleSet.evaluate} reads the clock before each firing).
 *
 * <ul>
 * <li>{@link #pooled}: the same inserts and listener, with sessions from {@code KieBase.newKieSessionsPool},
 *     which keeps node memories and resets them on dispose instead of building them again.</li>
 * <li>{@link #resident}: the rules rewritten so that {@code Result} is a session global instead of the
 *     first pattern of every rule ({@link #resultAsGlobal}), and one long-lived session per thread with
 *     the catalog's offers inserted once: a decision sets the global, inserts the customer and the
 *     request, fires, and deletes them again.</li>
 * </ul>
 */
final class SessionVariants {

    private SessionVariants() {
    }

    static KieBase kieBase(RuleSet set) {
        try {
            Field f = RuleSet.class.getDeclaredField("kieBase");
            f.setAccessible(true);
            return (KieBase) f.get(set);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("RuleSet has no kieBase field any more: update SessionVariants", e);
        }
    }

    /** {@code RuleSet.evaluate}, with sessions from a pool. */
    static Function<RuleSetScale.Decision, RuleSet.Evaluation> pooled(RuleSet set, Instant now, int maxFirings) {
        KieSessionsPool pool = kieBase(set).newKieSessionsPool(1);
        List<Offer> offers = set.catalog().validAt(now);
        return d -> {
            Result result = new Result();
            List<String> fired = new ArrayList<>();
            KieSession session = pool.newKieSession();
            try {
                session.addEventListener(new DefaultAgendaEventListener() {
                    @Override
                    public void beforeMatchFired(BeforeMatchFiredEvent event) {
                        String rule = event.getMatch().getRule().getName();
                        fired.add(rule);
                        result.firing(rule);
                    }
                });
                session.insert(result);
                session.insert(d.customer());
                session.insert(d.request());
                for (Offer offer : offers) {
                    session.insert(offer);
                }
                int count = session.fireAllRules(maxFirings);
                return new RuleSet.Evaluation(result, fired, count >= maxFirings, false);
            } finally {
                session.dispose();
            }
        };
    }

    /** The DRL files with {@code $r : Result()} replaced by {@code global Result $r}; other files unchanged. */
    static Map<String, String> resultAsGlobal(Map<String, String> files) {
        Map<String, String> out = new TreeMap<>(files);
        out.replaceAll((name, text) -> {
            if (!name.endsWith(".drl")) {
                return text;
            }
            String rewritten = text.replace("    $r : Result()\n", "")
                    .replace("import io.nbo.model.*;\n", "import io.nbo.model.*;\n\nglobal io.nbo.model.Result $r;\n");
            if (rewritten.contains("Result()")) {
                throw new IllegalArgumentException(name + ": a Result pattern this rewrite does not handle");
            }
            return rewritten;
        });
        return out;
    }

    /** One long-lived session (single thread) over a rule set compiled from {@link #resultAsGlobal}. */
    static Function<RuleSetScale.Decision, RuleSet.Evaluation> resident(RuleSet globalSet, Instant now, int maxFirings) {
        KieSession session = kieBase(globalSet).newKieSession();
        Result[] current = new Result[1];
        List<String> fired = new ArrayList<>();
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                String rule = event.getMatch().getRule().getName();
                fired.add(rule);
                current[0].firing(rule);
            }
        });
        for (Offer offer : globalSet.catalog().validAt(now)) {
            session.insert(offer);
        }
        current[0] = new Result();
        if (session.fireAllRules() != 0) {
            throw new IllegalStateException("a rule fired on offers alone: it would not fire again per decision");
        }
        return d -> {
            Result result = new Result();
            current[0] = result;
            fired.clear();
            session.setGlobal("$r", result);
            FactHandle customer = session.insert(d.customer());
            FactHandle request = session.insert(d.request());
            int count = session.fireAllRules(maxFirings);
            session.delete(customer);
            session.delete(request);
            // Deleting facts only cancels matches; nothing may fire on what remains (the offers).
            if (session.fireAllRules() != 0) {
                throw new IllegalStateException("a rule fired after the decision's facts were deleted");
            }
            return new RuleSet.Evaluation(result, List.copyOf(fired), count >= maxFirings, false);
        };
    }
}
