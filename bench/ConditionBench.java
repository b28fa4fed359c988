import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triggerfish.condition.CompiledCondition;
import dev.triggerfish.condition.RelationResolver;
import dev.triggerfish.trigger.CompiledTrigger;
import dev.triggerfish.trigger.TriggerIndex;
import dev.triggerfish.trigger.TriggerType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Condition engine benchmark (issue 2), one thread:
 *  1. the spec's "Conditional Logic" rule over 10^6 generated records, against a hand-written Java
 *     predicate of the same rule measured in the same run;
 *  2. matching events against 1,000 active triggers of mixed types and models through the TriggerIndex,
 *     against evaluating every trigger of the event's type and model (no equality index) in the same run.
 * Run with bench/conditions. Rounds alternate between the contenders; the median round is reported.
 */
public class ConditionBench {
    static final int RECORDS = 1_000_000;
    static final int COMPANIES = 1_000;
    static final int ROUNDS = 7;
    static final String[] SOURCES = {"website", "referral", "email", "event", "ads"};
    static final String[] INDUSTRIES = {"technology", "retail", "finance", "health", "energy"};
    static final String[] MODELS = {"contact", "deal", "company", "lead", "ticket", "invoice", "task", "note", "account", "order"};
    static final String RULE = """
            [ {"field": "score", "operator": "greater_than", "value": 75},
              {"logic": "AND"},
              {"group": [
                  {"field": "source", "operator": "in", "value": ["website", "referral"]},
                  {"logic": "OR"},
                  {"field": "company.industry", "operator": "equals", "value": "technology"} ]} ]""";

    static final Map<Object, Map<String, Object>> companies = new HashMap<>();
    static final RelationResolver RESOLVER = (relation, id) -> companies.get(id);

    public static void main(String[] args) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < COMPANIES; i++) {
            Map<String, Object> company = new HashMap<>();
            company.put("id", i);
            company.put("industry", INDUSTRIES[random.nextInt(INDUSTRIES.length)]);
            companies.put(i, company);
        }
        singleRule(random);
        thousandTriggers(random);
    }

    // ---------------------------------------------------------------- 1. one rule, 10^6 records

    static void singleRule(SplittableRandom random) throws Exception {
        List<Map<String, Object>> records = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            Map<String, Object> r = new HashMap<>();
            r.put("id", i);
            r.put("score", random.nextInt(101));
            r.put("source", SOURCES[random.nextInt(SOURCES.length)]);
            r.put("company_id", random.nextInt(COMPANIES));
            r.put("email", "user" + i + "@example.com");
            records.add(r);
        }
        CompiledCondition rule = CompiledCondition.compile(new ObjectMapper().readValue(RULE, List.class), "trigger_conditions");
        double[] engine = new double[ROUNDS];
        double[] hand = new double[ROUNDS];
        int engineMatches = 0;
        int handMatches = 0;
        for (int round = -2; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            engineMatches = 0;
            for (Map<String, Object> r : records) {
                if (rule.matches(r, null, RESOLVER, 0L)) {
                    engineMatches++;
                }
            }
            long t1 = System.nanoTime();
            handMatches = 0;
            for (Map<String, Object> r : records) {
                if (handWritten(r)) {
                    handMatches++;
                }
            }
            long t2 = System.nanoTime();
            if (round >= 0) {
                engine[round] = RECORDS / ((t1 - t0) / 1e9);
                hand[round] = RECORDS / ((t2 - t1) / 1e9);
            }
        }
        if (engineMatches != handMatches) {
            throw new AssertionError("engine matched " + engineMatches + ", hand-written " + handMatches);
        }
        double e = median(engine);
        double h = median(hand);
        System.out.printf("single rule (spec 'Conditional Logic'), %,d records, %d rounds, %,d matches%n", RECORDS, ROUNDS, engineMatches);
        System.out.printf("  engine        %,14.0f evaluations/s%n", e);
        System.out.printf("  hand-written  %,14.0f evaluations/s%n", h);
        System.out.printf("  ratio engine/hand-written: %.2f   (target: engine >= 5,000,000/s)%n%n", e / h);
    }

    /** score > 75 AND (source in [website, referral] OR company.industry == technology), by hand. */
    static boolean handWritten(Map<String, Object> r) {
        Object score = r.get("score");
        if (!(score instanceof Number n) || n.doubleValue() <= 75) {
            return false;
        }
        Object source = r.get("source");
        if ("website".equals(source) || "referral".equals(source)) {
            return true;
        }
        Object companyId = r.get("company_id");
        Map<String, Object> company = companyId == null ? null : companies.get(companyId);
        return company != null && "technology".equals(company.get("industry"));
    }

    // ---------------------------------------------------------------- 2. 1,000 triggers

    static void thousandTriggers(SplittableRandom random) throws Exception {
        ObjectMapper json = new ObjectMapper();
        TriggerType[] types = {TriggerType.MODEL_CREATED, TriggerType.MODEL_UPDATED, TriggerType.FIELD_CHANGED, TriggerType.MODEL_DELETED};
        List<CompiledTrigger> triggers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TriggerType type = types[i % types.length];
            String model = MODELS[random.nextInt(MODELS.length)];
            String conditions;
            if (i % 10 == 9) {
                // one in ten has no equality the index can use
                conditions = "[{\"field\": \"score\", \"operator\": \"greater_than\", \"value\": " + random.nextInt(100) + "},"
                        + " {\"field\": \"email\", \"operator\": \"ends_with\", \"value\": \"@example.com\"}]";
            } else if (type == TriggerType.FIELD_CHANGED) {
                conditions = "[{\"field\": \"stage\", \"operator\": \"changed_to\", \"value\": \"stage" + random.nextInt(50) + "\"},"
                        + " {\"field\": \"value\", \"operator\": \"greater_than\", \"value\": " + random.nextInt(100_000) + "}]";
            } else {
                conditions = "[{\"field\": \"source\", \"operator\": \"in\", \"value\": [\"src" + random.nextInt(50) + "\", \"src" + random.nextInt(50) + "\"]},"
                        + " {\"field\": \"score\", \"operator\": \"greater_than_or_equal\", \"value\": " + random.nextInt(100) + "},"
                        + " {\"logic\": \"OR\"}, {\"field\": \"company.industry\", \"operator\": \"equals\", \"value\": \"technology\"}]";
            }
            triggers.add(new CompiledTrigger(i, 1, type, model,
                    CompiledCondition.compile(json.readValue(conditions, List.class), "trigger_conditions")));
        }
        TriggerIndex index = new TriggerIndex(triggers);
        TriggerIndex unindexed = new TriggerIndex(List.of());
        Map<String, List<CompiledTrigger>> byTypeAndModel = new HashMap<>();
        triggers.forEach(t -> byTypeAndModel.computeIfAbsent(t.type().wireName() + "/" + t.modelKey(), k -> new ArrayList<>()).add(t));

        int eventsCount = 200_000;
        String[] kinds = new String[eventsCount];
        String[] entityTypes = new String[eventsCount];
        List<Map<String, Object>> news = new ArrayList<>(eventsCount);
        List<Map<String, Object>> olds = new ArrayList<>(eventsCount);
        for (int i = 0; i < eventsCount; i++) {
            int k = random.nextInt(10);
            kinds[i] = k < 3 ? "created" : k < 9 ? "updated" : "deleted";
            entityTypes[i] = MODELS[random.nextInt(MODELS.length)];
            Map<String, Object> r = new HashMap<>();
            r.put("id", i);
            r.put("source", "src" + random.nextInt(50));
            r.put("score", random.nextInt(101));
            r.put("stage", "stage" + random.nextInt(50));
            r.put("value", random.nextInt(100_000));
            r.put("company_id", random.nextInt(COMPANIES));
            r.put("email", "user" + i + "@example.com");
            Map<String, Object> old = new HashMap<>(r);
            old.put("stage", "stage" + random.nextInt(50));
            news.add(kinds[i].equals("deleted") ? null : r);
            olds.add(kinds[i].equals("created") ? null : old);
        }
        double[] indexed = new double[ROUNDS];
        double[] scan = new double[ROUNDS];
        long indexedFired = 0;
        long scanFired = 0;
        for (int round = -2; round < ROUNDS; round++) {
            indexedFired = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < eventsCount; i++) {
                indexedFired += index.match(kinds[i], entityTypes[i], news.get(i), olds.get(i), RESOLVER, 0L).size();
            }
            long t1 = System.nanoTime();
            scanFired = 0;
            for (int i = 0; i < eventsCount; i++) {
                for (TriggerType type : CompiledTrigger.typesFor(kinds[i])) {
                    for (CompiledTrigger t : byTypeAndModel.getOrDefault(type.wireName() + "/" + entityTypes[i], List.of())) {
                        if (t.fires(kinds[i], news.get(i), olds.get(i), RESOLVER, 0L)) {
                            scanFired++;
                        }
                    }
                }
            }
            long t2 = System.nanoTime();
            if (round >= 0) {
                indexed[round] = eventsCount / ((t1 - t0) / 1e9);
                scan[round] = eventsCount / ((t2 - t1) / 1e9);
            }
        }
        if (indexedFired != scanFired) {
            throw new AssertionError("index fired " + indexedFired + ", scan fired " + scanFired);
        }
        double x = median(indexed);
        double s = median(scan);
        System.out.printf("1,000 active triggers (4 types x 10 models, 90%% with an indexable equality), %,d events, %,d firings per round%n",
                eventsCount, indexedFired);
        System.out.printf("  TriggerIndex                          %,12.0f events/s%n", x);
        System.out.printf("  every trigger of the type and model   %,12.0f events/s%n", s);
        System.out.printf("  ratio index/scan: %.2f   (target: index >= 200,000 events/s)%n", x / s);
        if (unindexed.size() != 0) {
            throw new AssertionError();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
