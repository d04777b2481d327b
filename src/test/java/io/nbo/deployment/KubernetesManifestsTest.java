package io.nbo.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.nbo.rules.RuleSetCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code deployment/kubernetes}: rendered from the kustomization (its resources and
 * its ConfigMap generators), checked against Kubernetes' own API models (unknown fields, missing
 * required ones and wrong types are errors, as {@code kubectl apply --validate=strict} would say),
 * and tied to the code: probe paths and port, configuration names, the rules folder nbo loads, and
 * the shutdown timings.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deployment", "kubernetes");
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON_MAPPER = new ObjectMapper();
    /** The Kubernetes 1.32 models' own (de)serialiser: what the API server's schema says. */
    static final JSON KUBE_JSON = new JSON();
    /** kind (with apiVersion) → the model that validates it. */
    static final Map<String, Class<?>> MODELS = Map.of(
            "v1/Namespace", V1Namespace.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class);
    /** Names the manifests may use before the configuration table (docs/operations.md) has them (none now). */
    static final Set<String> PENDING = Set.of();
    /** The largest ConfigMap the API server stores (data and metadata together). */
    static final int CONFIG_MAP_LIMIT = 1024 * 1024;

    static JsonNode kustomization;
    static List<JsonNode> rendered;
    static JsonNode deployment;
    static JsonNode container;
    static Properties app;

    @BeforeAll
    static void render() throws IOException {
        kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        rendered = renderKustomization();
        deployment = only("Deployment");
        container = deployment.at("/spec/template/spec/containers/0");
        app = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
    }

    @Test
    void everyResourceIsValidAgainstTheKubernetesApi() {
        assertThat(rendered).extracting(r -> r.path("kind").asText())
                .containsExactlyInAnyOrder("Namespace", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler",
                        "PodDisruptionBudget", "NetworkPolicy", "ConfigMap", "ConfigMap", "ConfigMap");
        for (JsonNode resource : rendered) {
            validate(resource);
        }
    }

    @Test
    void theValidationCatchesWhatTheApiServerWouldRefuse() {
        ObjectNode misspelt = deployment.deepCopy();
        ((ObjectNode) misspelt.at("/spec/template/spec/containers/0/readinessProbe")).set("httpGett",
                misspelt.at("/spec/template/spec/containers/0/readinessProbe/httpGet"));
        ObjectNode wrongType = deployment.deepCopy();
        ((ObjectNode) wrongType.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "eighty");
        ObjectNode noName = deployment.deepCopy();
        ((ObjectNode) noName.at("/spec/template/spec/containers/0")).remove("name");
        for (JsonNode bad : List.of(misspelt, wrongType, noName)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> validate(bad)).isInstanceOf(Throwable.class);
        }
    }

    @Test
    void probesAndPortAreTheApplications() {
        int port = Integer.parseInt(app.getProperty("quarkus.http.port"));
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        String portName = container.at("/ports/0/name").asText();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isIn("/q/health/live", "/q/health/started");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isIn(portName, String.valueOf(port));
        }
        String readme = doc("api.md");
        assertThat(readme).contains("`/q/health/ready`", "`/q/health/live`", "`GET` | `/q/metrics`");
        assertThat(deployment.at("/spec/template/metadata/annotations/prometheus.io~1path").asText()).isEqualTo("/q/metrics");
        assertThat(deployment.at("/spec/template/metadata/annotations/prometheus.io~1port").asText()).isEqualTo(String.valueOf(port));

        JsonNode service = only("Service");
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isIn(portName, String.valueOf(port));
        JsonNode monitor = yamlDocuments(DIR.resolve("monitoring/servicemonitor.yaml")).get(0);
        assertThat(monitor.at("/apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo(service.at("/spec/ports/0/name").asText());
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(contains(service.at("/metadata/labels"), monitor.at("/spec/selector/matchLabels"))).isTrue();
    }

    @Test
    void everyConfigurationNameIsDocumented() throws IOException {
        Set<String> documented = documentedEnvVars();
        assertThat(documented).contains("NBO_REDIS_URL", "NBO_RULES_DIR", "NBO_RULES_WATCH_FOLDER");
        Set<String> used = new TreeSet<>();
        configMap("nbo-config").path("data").fieldNames().forEachRemaining(used::add);
        only("Secret").path("stringData").fieldNames().forEachRemaining(used::add);
        container.path("env").forEach(e -> used.add(e.path("name").asText()));
        // Commented-out settings in nbo.env are offered to the operator too.
        Matcher commented = Pattern.compile("(?m)^#\\s*([A-Z][A-Z0-9_]+)=").matcher(Files.readString(DIR.resolve("nbo.env")));
        while (commented.find()) {
            used.add(commented.group(1));
        }
        // JAVA_OPTS is read by the image's entrypoint, not by nbo.
        assertThat(Files.readString(Path.of("deployment/container/Dockerfile"))).contains("exec java $JAVA_OPTS");
        used.remove("JAVA_OPTS");
        assertThat(used).contains("NBO_REDIS_URL", "NBO_RULES_DIR", "NBO_RULES_REPLICA_ID");
        assertThat(used.stream().filter(n -> !documented.contains(n) && !PENDING.contains(n)))
                .as("configuration names in the configuration table (or pending: %s)", PENDING).isEmpty();
        assertThat(used).allMatch(n -> n.startsWith("NBO_") || n.startsWith("QUARKUS_"));
        assertThat(container.path("envFrom")).extracting(e -> e.path("configMapRef").path("name").asText()
                + e.path("secretRef").path("name").asText()).containsExactlyInAnyOrder("nbo-config", "nbo-secrets");
    }

    @Test
    void theRulesConfigMapsHoldEveryFileNboLoadsAndAreMountedWhereItLooks() throws IOException {
        Map<String, String> loaded = RuleSetCompiler.readFolder(Path.of("rules"));
        Map<String, String> tests = RuleSetCompiler.readTests(Path.of("rules"));
        assertThat(loaded).containsKeys("offers.yaml", "policies.yaml");
        assertThat(tests).isNotEmpty();

        assertThat(dataOf(configMap("nbo-rules"))).isEqualTo(loaded);
        Map<String, String> testsAsKeys = new TreeMap<>();
        tests.forEach((name, text) -> testsAsKeys.put(name.substring(RuleSetCompiler.TESTS.length()), text));
        assertThat(dataOf(configMap("nbo-rules-tests"))).isEqualTo(testsAsKeys);
        for (String name : List.of("nbo-rules", "nbo-rules-tests")) {
            assertThat(JSON_MAPPER.writeValueAsBytes(configMap(name)).length).as("%s under the ConfigMap limit", name)
                    .isLessThan(CONFIG_MAP_LIMIT);
        }

        String rulesDir = configMap("nbo-config").at("/data/NBO_RULES_DIR").asText();
        Map<String, String> mounts = new LinkedHashMap<>();
        container.path("volumeMounts").forEach(m -> {
            assertThat(m.has("subPath")).as("a subPath mount never sees a ConfigMap update: %s", m).isFalse();
            mounts.put(m.path("mountPath").asText(), m.path("name").asText());
        });
        Map<String, String> configMapOfVolume = new LinkedHashMap<>();
        deployment.at("/spec/template/spec/volumes").forEach(v -> configMapOfVolume.put(v.path("name").asText(),
                v.at("/configMap/name").asText(v.has("emptyDir") ? "(emptyDir)" : "")));
        assertThat(configMapOfVolume.get(mounts.get(rulesDir))).isEqualTo("nbo-rules");
        assertThat(configMapOfVolume.get(mounts.get(rulesDir + "/" + RuleSetCompiler.TESTS.replace("/", ""))))
                .isEqualTo("nbo-rules-tests");
        assertThat(configMapOfVolume.get(mounts.get("/tmp"))).isEqualTo("(emptyDir)");

        // Live updates: the rules ConfigMaps keep their names, so the volume changes in place.
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            if (generator.path("name").asText().startsWith("nbo-rules")) {
                assertThat(generator.at("/options/disableNameSuffixHash").asBoolean()).as(generator.path("name").asText()).isTrue();
            }
        }
    }

    @Test
    void shutdownPausesThenDrainsWithinTheGracePeriod() {
        Duration drain = parseDuration(app.getProperty("quarkus.shutdown.timeout"));
        assertThat(drain).isPositive();
        JsonNode preStop = container.at("/lifecycle/preStop/exec/command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        int pause = preStop.get(1).asInt();
        assertThat(pause).isBetween(1, 30);
        int grace = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
        assertThat(grace).as("grace period > preStop pause + quarkus.shutdown.timeout").isGreaterThan(pause + (int) drain.toSeconds());
        // A publish in flight waits for the other replicas up to the rollout timeout.
        Duration rollout = parseDuration(configMap("nbo-config").at("/data/NBO_RULES_ROLLOUT_TIMEOUT").asText("30s"));
        assertThat(drain).isGreaterThanOrEqualTo(rollout);
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    }

    @Test
    void selectorsScalingAndDisruptionsFitTogether() {
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        JsonNode selector = deployment.at("/spec/selector/matchLabels");
        assertThat(contains(podLabels, selector)).isTrue();
        assertThat(contains(podLabels, only("Service").at("/spec/selector"))).isTrue();
        assertThat(contains(podLabels, only("PodDisruptionBudget").at("/spec/selector/matchLabels"))).isTrue();
        deployment.at("/spec/template/spec/topologySpreadConstraints")
                .forEach(c -> assertThat(contains(podLabels, c.at("/labelSelector/matchLabels"))).isTrue());

        JsonNode hpa = only("HorizontalPodAutoscaler");
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
        assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
        assertThat(deployment.at("/spec/replicas").isMissingNode()).as("the HPA owns the replica count").isTrue();
        assertThat(container.at("/resources/requests/cpu").isMissingNode()).as("CPU utilisation needs a request").isFalse();
        assertThat(only("PodDisruptionBudget").at("/spec/maxUnavailable").asInt())
                .isLessThan(hpa.at("/spec/minReplicas").asInt());
    }

    @Test
    void runsAsTheImagesNonRootUserOnAReadOnlyRoot() throws IOException {
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        String dockerfile = Files.readString(Path.of("deployment/container/Dockerfile"));
        assertThat(dockerfile).contains("USER " + pod.at("/securityContext/runAsUser").asText());
        assertThat(dockerfile).contains("target/quarkus-app/", "quarkus-run.jar");
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(container.path("env").toString()).contains("MaxRAMPercentage");
    }

    /** No privilege nbo does not use: what Pod Security's "restricted" level asks, and the namespace enforces it. */
    @Test
    void thePodHoldsNoPrivilegeItDoesNotUse() {
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.path("automountServiceAccountToken").isBoolean()).as("automountServiceAccountToken set").isTrue();
        assertThat(pod.path("automountServiceAccountToken").asBoolean()).as("nbo never calls the Kubernetes API").isFalse();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(container.at("/securityContext/seccompProfile").isMissingNode()).as("no container override").isTrue();
        assertThat(container.at("/securityContext/capabilities/drop")).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(container.at("/securityContext/capabilities/add").isMissingNode()).isTrue();
        assertThat(container.at("/securityContext/privileged").asBoolean(false)).isFalse();
        assertThat(container.at("/securityContext/runAsUser").isMissingNode()).as("the pod's user, not root").isTrue();
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            assertThat(pod.path(host).asBoolean(false)).as(host).isFalse();
        }
        assertThat(container.path("ports")).allMatch(p -> !p.has("hostPort"));

        // Writable: only /tmp, a bounded emptyDir (the JVM's java.io.tmpdir); the rules are read-only.
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        assertThat(volumes.values()).allMatch(v -> v.has("configMap") || v.has("emptyDir"));
        List<String> writable = new ArrayList<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = volumes.get(mount.path("name").asText());
            if (volume.has("emptyDir")) {
                writable.add(mount.path("mountPath").asText());
                assertThat(volume.at("/emptyDir/sizeLimit").asText()).as("a bounded emptyDir").isNotEmpty();
            } else {
                assertThat(mount.path("readOnly").asBoolean()).as("%s read-only", mount.path("mountPath").asText()).isTrue();
            }
        }
        assertThat(writable).containsExactly("/tmp");
        assertThat(container.path("env").toString()).contains("-Djava.io.tmpdir=/tmp");

        assertThat(only("Namespace").at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");
    }

    @Test
    void theNetworkPolicyLetsInTheHttpPortAndOutOnlyRedisAndDns() {
        checkNetworkPolicy(only("NetworkPolicy"));
        // The Redis peer of the committed policy sits in nbo's namespace, where the Secret's placeholder points.
        String redisHost = URI.create(only("Secret").at("/stringData/NBO_REDIS_URL").asText()).getHost();
        assertThat(redisHost).endsWith("." + kustomization.path("namespace").asText() + ".svc.cluster.local");
        assertThat(redisRules(only("NetworkPolicy"))).singleElement()
                .satisfies(rule -> assertThat(rule.path("to")).allMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock")));
    }

    /** The check above fails for a policy that lets more through: it would notice a loosening. */
    @Test
    void theNetworkPolicyCheckRefusesALooserPolicy() {
        JsonNode policy = only("NetworkPolicy");
        Map<String, Consumer<ObjectNode>> loosenings = new LinkedHashMap<>();
        loosenings.put("an egress rule without ports", spec -> egress(spec).addObject().set("to", redisRules(policy).get(0).path("to").deepCopy()));
        loosenings.put("an egress rule without peers", spec -> egress(spec).addObject().putArray("ports").addObject().put("protocol", "TCP").put("port", 6379));
        loosenings.put("an empty egress rule", spec -> egress(spec).addObject());
        loosenings.put("Redis rule without ports", spec -> ((ObjectNode) redisRule(spec)).remove("ports"));
        loosenings.put("Redis rule with empty ports", spec -> ((ObjectNode) redisRule(spec)).putArray("ports"));
        loosenings.put("Redis rule with empty to", spec -> ((ObjectNode) redisRule(spec)).putArray("to"));
        loosenings.put("HTTPS out to Redis", spec -> ((ArrayNode) redisRule(spec).path("ports")).addObject().put("protocol", "TCP").put("port", 443));
        loosenings.put("a port range to Redis", spec -> ((ObjectNode) redisRule(spec).path("ports").get(0)).put("endPort", 65535));
        loosenings.put("Redis port to the whole internet", spec -> ((ArrayNode) redisRule(spec).path("to")).addObject()
                .putObject("ipBlock").put("cidr", "0.0.0.0/0"));
        loosenings.put("Redis port to every pod", spec -> ((ArrayNode) redisRule(spec).path("to")).addObject().putObject("namespaceSelector"));
        loosenings.put("DNS port to every pod", spec -> ((ObjectNode) dnsRule(spec).path("to").get(0)).remove("podSelector"));
        loosenings.put("Redis port to the DNS pods", spec -> ((ArrayNode) dnsRule(spec).path("ports")).addObject().put("protocol", "TCP").put("port", 6379));
        loosenings.put("no Egress policy type", spec -> ((ArrayNode) spec.path("policyTypes")).remove(1));
        loosenings.put("no Ingress policy type", spec -> ((ArrayNode) spec.path("policyTypes")).remove(0));
        loosenings.put("an ingress rule without ports", spec -> ((ObjectNode) spec.path("ingress").get(0)).remove("ports"));
        loosenings.put("an ingress rule without peers", spec -> ((ObjectNode) spec.path("ingress").get(0)).remove("from"));
        loosenings.put("another ingress port", spec -> ((ArrayNode) spec.path("ingress").get(0).path("ports")).addObject().put("protocol", "TCP").put("port", 5005));
        loosenings.put("other pods selected", spec -> ((ObjectNode) spec.at("/podSelector/matchLabels")).put("app.kubernetes.io/name", "other"));
        loosenings.forEach((name, loosen) -> {
            ObjectNode loose = policy.deepCopy();
            loosen.accept((ObjectNode) loose.path("spec"));
            validate(loose); // the API server would take it: only the check below stands in its way
            assertThatThrownBy(() -> checkNetworkPolicy(loose)).as(name).isInstanceOf(AssertionError.class);
        });
    }

    @Test
    void theCommittedSecretHoldsOnlyPlaceholders() {
        JsonNode data = only("Secret").path("stringData");
        assertThat(data.fieldNames()).toIterable().containsExactlyInAnyOrder("NBO_REDIS_URL", "NBO_SECURITY_KEYS");
        data.forEach(v -> assertThat(v.asText()).contains("REPLACE-ME"));
    }

    /** kustomize itself, where installed (kubectl has it built in): the same resources, valid too. */
    @Test
    void kubectlRendersTheSameResources() throws Exception {
        assumeThat(onPath("kubectl")).as("kubectl on the PATH").isTrue();
        Process p = new ProcessBuilder("kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone", DIR.toString())
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeThat(err).as("kubectl's kustomize works offline here").doesNotContain("unknown command");
        assertThat(p.exitValue()).as(err).isZero();
        List<JsonNode> theirs = new ArrayList<>();
        YAML.readerFor(JsonNode.class).readValues(out).forEachRemaining(n -> theirs.add((JsonNode) n));
        for (JsonNode resource : theirs) {
            validate(resource);
        }
        assertThat(summary(theirs)).isEqualTo(summary(rendered));
        for (JsonNode cm : theirs) {
            if (cm.path("kind").asText().equals("ConfigMap")) {
                String base = cm.at("/metadata/name").asText().replaceFirst("-[a-z0-9]{10}$", "");
                assertThat(cm.path("data")).as(base).isEqualTo(configMap(base).path("data"));
            }
        }
    }

    // --- the NetworkPolicy: what it must let through, and nothing more ---

    /**
     * In: TCP on the container's HTTP port, from named peers. Out: every rule names its peers and its
     * ports; the kube-dns pods get UDP and TCP 53, the Redis peers the Secret's Redis port, and nothing
     * else is reachable.
     */
    static void checkNetworkPolicy(JsonNode policy) {
        validate(policy);
        JsonNode spec = policy.path("spec");
        assertThat(contains(deployment.at("/spec/template/metadata/labels"), spec.at("/podSelector/matchLabels")))
                .as("selects nbo's pods").isTrue();
        assertThat(spec.path("policyTypes")).as("policyTypes: a direction left out is open")
                .extracting(JsonNode::asText).containsExactlyInAnyOrder("Ingress", "Egress");

        String http = "TCP/" + container.at("/ports/0/containerPort").asInt();
        assertThat(only("Service").at("/spec/ports")).allMatch(p -> p.path("targetPort").asText().equals(container.at("/ports/0/name").asText())
                || ("TCP/" + p.path("targetPort").asText()).equals(http));
        assertThat(spec.path("ingress")).as("ingress rules").isNotEmpty();
        for (JsonNode rule : spec.path("ingress")) {
            assertThat(rule.path("from")).as("an ingress rule without `from` admits any source: %s", rule).isNotEmpty();
            assertThat(ports(rule)).as("ingress ports").containsExactly(http);
        }

        String redis = "TCP/" + URI.create(only("Secret").at("/stringData/NBO_REDIS_URL").asText()).getPort();
        assertThat(spec.path("egress")).as("egress rules").isNotEmpty();
        Set<String> reachable = new TreeSet<>();
        for (JsonNode rule : spec.path("egress")) {
            assertThat(rule.path("to")).as("an egress rule without `to` reaches every address: %s", rule).isNotEmpty();
            assertThat(rule.path("ports")).as("an egress rule without `ports` opens every port: %s", rule).isNotEmpty();
            for (JsonNode peer : rule.path("to")) {
                boolean pods = peer.at("/podSelector/matchLabels").isObject() && !peer.at("/podSelector/matchLabels").isEmpty();
                boolean addresses = peer.at("/ipBlock/cidr").isTextual() && !peer.at("/ipBlock/cidr").asText().endsWith("/0");
                assertThat(pods || addresses).as("a peer naming its pods (matchLabels) or addresses: %s", peer).isTrue();
            }
            Set<String> ports = ports(rule);
            reachable.addAll(ports);
            if (isDns(rule)) {
                assertThat(ports).as("DNS rule").containsExactlyInAnyOrder("UDP/53", "TCP/53");
            } else {
                assertThat(ports).as("Redis rule").containsExactly(redis);
            }
        }
        assertThat(reachable).as("out: Redis and DNS only").containsExactlyInAnyOrder(redis, "UDP/53", "TCP/53");
        assertThat(spec.path("egress")).filteredOn(KubernetesManifestsTest::isDns).as("a DNS rule").hasSize(1);
    }

    /** PROTOCOL/PORT of a rule's ports: explicit protocol, one numeric port each, no range. */
    static Set<String> ports(JsonNode rule) {
        Set<String> ports = new TreeSet<>();
        for (JsonNode p : rule.path("ports")) {
            assertThat(p.path("protocol").asText()).as("explicit protocol: %s", p).isIn("TCP", "UDP");
            assertThat(p.path("port").isInt()).as("a numeric port: %s", p).isTrue();
            assertThat(p.has("endPort")).as("no port range: %s", p).isFalse();
            ports.add(p.path("protocol").asText() + "/" + p.path("port").asInt());
        }
        return ports;
    }

    /** A rule whose peers are all the cluster's DNS pods in kube-system. */
    static boolean isDns(JsonNode rule) {
        return rule.path("to").size() > 0 && StreamSupport.stream(rule.path("to").spliterator(), false)
                .allMatch(peer -> peer.at("/podSelector/matchLabels/k8s-app").asText().equals("kube-dns")
                        && peer.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText().equals("kube-system"));
    }

    static List<JsonNode> redisRules(JsonNode policy) {
        return StreamSupport.stream(policy.at("/spec/egress").spliterator(), false).filter(r -> !isDns(r)).toList();
    }

    static ArrayNode egress(ObjectNode spec) {
        return (ArrayNode) spec.path("egress");
    }

    static JsonNode redisRule(ObjectNode spec) {
        return StreamSupport.stream(spec.path("egress").spliterator(), false).filter(r -> !isDns(r)).findFirst().orElseThrow();
    }

    static JsonNode dnsRule(ObjectNode spec) {
        return StreamSupport.stream(spec.path("egress").spliterator(), false).filter(KubernetesManifestsTest::isDns).findFirst().orElseThrow();
    }

    // --- rendering: resources and configMapGenerator, as kustomize does for this kustomization ---

    static List<JsonNode> renderKustomization() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode file : kustomization.path("resources")) {
            out.addAll(yamlDocuments(DIR.resolve(file.asText())));
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            ObjectNode cm = JSON_MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", generator.path("name").asText());
            ObjectNode data = cm.putObject("data");
            for (JsonNode env : generator.path("envs")) {
                for (String line : Files.readAllLines(DIR.resolve(env.asText()))) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        data.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
                    }
                }
            }
            for (JsonNode file : generator.path("files")) {
                Path path = DIR.resolve(file.asText()).normalize();
                data.put(path.getFileName().toString(), Files.readString(path));
            }
            out.add(cm);
        }
        String namespace = kustomization.path("namespace").asText();
        for (JsonNode r : out) {
            if (!r.path("kind").asText().equals("Namespace")) {
                ((ObjectNode) r.path("metadata")).put("namespace", namespace);
            }
        }
        return out;
    }

    static List<JsonNode> yamlDocuments(Path file) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readerFor(JsonNode.class).readValues(file.toFile()).forEachRemaining(n -> {
                if (n != null && !((JsonNode) n).isNull() && !((JsonNode) n).isEmpty()) {
                    docs.add((JsonNode) n);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validates one resource with the Kubernetes models: field names, required fields, types. */
    static void validate(JsonNode resource) {
        String key = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
        Class<?> model = MODELS.get(key);
        assertThat(model).as("a model for %s", key).isNotNull();
        try {
            String json = JSON_MAPPER.writeValueAsString(resource);
            JsonElement tree = JsonParser.parseString(json);
            model.getMethod("validateJsonElement", JsonElement.class).invoke(null, tree);
            Object parsed = KUBE_JSON.deserialize(json, model);
            assertThat(parsed).isNotNull();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new AssertionError(key + " " + resource.at("/metadata/name").asText() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode only(String kind) {
        List<JsonNode> found = rendered.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static JsonNode configMap(String name) {
        return rendered.stream().filter(r -> r.path("kind").asText().equals("ConfigMap")
                && r.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    static Map<String, String> dataOf(JsonNode configMap) {
        Map<String, String> data = new TreeMap<>();
        configMap.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    static boolean contains(JsonNode labels, JsonNode selector) {
        assertThat(selector.isObject() && !selector.isEmpty()).as("a selector: %s", selector).isTrue();
        return StreamSupport.stream(((Iterable<Map.Entry<String, JsonNode>>) selector::fields).spliterator(), false)
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static Set<String> summary(List<JsonNode> resources) {
        return resources.stream().map(r -> r.path("kind").asText() + "/"
                + r.at("/metadata/name").asText().replaceFirst("^(nbo-config)-[a-z0-9]{10}$", "$1")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The env var column of the configuration table (docs/operations.md). */
    static Set<String> documentedEnvVars() {
        String readme = doc("operations.md");
        String table = readme.substring(readme.indexOf("## Configuration"));
        table = table.substring(0, table.indexOf("\n## ", 5));
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\|[^|]*\\| `([A-Z][A-Z0-9_]+)` \\|").matcher(table);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static String doc(String name) {
        try {
            return Files.readString(Path.of("docs", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Duration parseDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value.strip());
        assertThat(m.matches()).as("a duration: %s", value).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
