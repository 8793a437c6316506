package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.ApiTokenService;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code /api/v1/**} endpoint, found in Spring's own handler mapping (a new one is walked without being
 * named here), called as an ADMIN with an API token with nothing, with values of the wrong type and with
 * oversized values: in its path, its query parameters, its headers and each field of its JSON body. No answer
 * may be a server error; a refusal is {@code application/problem+json} with a one-line {@code detail} that names
 * no Java class and holds no stack trace.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ApiInputWalkTest {

    private static final String MIB = "x".repeat(1024 * 1024);
    private static final String LONG = "y".repeat(100 * 1024);
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*|Exception\\b|\\bat [a-z]+\\.");
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    InstanceService instances;
    @Autowired
    JobService jobs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    UserService users;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    JdbcTemplate jdbc;

    final JsonMapper json = JsonMapper.builder().build();
    @TempDir
    Path tmp;
    TestSshServer server;
    Instance instance;
    Job job;
    Artifact artifact;
    String admin;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger names = new AtomicInteger();
    final List<String> failures = new ArrayList<>();
    final Map<Integer, Integer> statuses = new java.util.TreeMap<>();

    record Endpoint(HttpMethod method, String pattern, HandlerMethod handler) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        server = TestSshServer.startDefault("deploy", "walk-ssh-pw");
        Path install = FakeInstall.create(tmp.resolve("df"), FakeInstall.sqliteEnv());
        var form = TestInstances.passwordForm("walk", server, install);
        form.getProductSettings().put("webUser", "www-data");
        form.getProductSettings().put("webGroup", "www-data");
        instance = instances.create(form);
        TestInstances.pinHostKey(jdbc, instance.getId(), server.hostKey());
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("walk-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            job = jobs.start(new Plan("test.walk", "Walk", instance.getId(), instance.getName(), List.of(
                    new Step("Confirm", null, null, false, new StepSpec.Gate("Ready?"), Duration.ofHours(1), null),
                    new Step("Echo", instance.getId(), instance.getName(), false, new StepSpec.RemoteCommand("echo walked"),
                            Duration.ofSeconds(30), null))));
            artifact = artifacts.write(new ArtifactSpec(job.getId(), instance.getId(), 1, "walk.txt", ArtifactKind.OTHER,
                    "text/plain", false), new ByteArrayInputStream("walked".getBytes(StandardCharsets.UTF_8)));
            long until = System.currentTimeMillis() + 20_000;
            while (jobs.get(job.getId()).getStatus() == dev.migrationpanel.job.JobStatus.QUEUED
                    && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            jobs.cancel(job.getId());
        } finally {
            SecurityContextHolder.clearContext();
        }
        String name = "walker-" + System.nanoTime() % 1_000_000;
        users.create(name, Role.ADMIN, "long-enough-password", "long-enough-password");
        admin = "Bearer " + tokens.create(name, "walk").token();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    /** The API's endpoints as Spring maps them; those that delete come last, so the others find their fixtures. */
    private List<Endpoint> endpoints() {
        List<Endpoint> found = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            Set<String> patterns = e.getKey().getPatternValues();
            Set<HttpMethod> methods = new TreeSet<>(Comparator.comparing(HttpMethod::name));
            e.getKey().getMethodsCondition().getMethods().forEach(m -> methods.add(HttpMethod.valueOf(m.name())));
            if (methods.isEmpty()) {
                methods.addAll(List.of(HttpMethod.GET, HttpMethod.POST));
            }
            for (String pattern : patterns) {
                if (pattern.startsWith("/api/v1/")) {
                    methods.forEach(m -> found.add(new Endpoint(m, pattern, e.getValue())));
                }
            }
        }
        found.sort(Comparator.comparing((Endpoint e) -> e.method() == HttpMethod.DELETE).thenComparing(Endpoint::toString));
        return found;
    }

    /** An id that exists for the resource the path names, for a first pass that reaches the handler's own checks. */
    private String existing(String pattern, String variable) {
        if (variable.equals("jobId") || pattern.startsWith("/api/v1/jobs/")) {
            return String.valueOf(job.getId());
        }
        if (pattern.startsWith("/api/v1/artifacts/")) {
            return artifact.getId();
        }
        if (pattern.startsWith("/api/v1/instances/")) {
            return String.valueOf(instance.getId());
        }
        return "1";
    }

    @Test
    void everyApiEndpointRefusesMissingMalformedAndOversizedInputWithAClearProblemNeverA500() throws Exception {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).extracting(Endpoint::toString).contains("GET /api/v1/flows", "POST /api/v1/jobs/plan",
                "POST /api/v1/jobs", "PUT /api/v1/instances/{id}", "GET /api/v1/jobs/{id}/log", "GET /api/v1/audit");
        for (Endpoint endpoint : endpoints) {
            walk(endpoint);
        }
        System.out.println("API walk: " + requests.get() + " requests over " + endpoints.size() + " endpoints " + endpoints
                + "; answers by status: " + statuses);
        assertThat(failures).as(failures.size() + " of " + requests.get() + " answers:\n" + String.join("\n", failures))
                .isEmpty();
    }

    @Test
    void theRefusalsSayWhatIsWrongInOneLine() throws Exception {
        mvc.perform(MockMvcRequestBuilders.get("/api/v1/flows").header("Authorization", admin))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("The parameter 'instanceId' is required"))
                .andExpect(jsonPath("$.errors.instanceId").value("required"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.TEXT_PLAIN).content("flow=dreamfactory.backup"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.detail").value("The body is text/plain: send it as JSON, with Content-Type: application/json"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.APPLICATION_JSON))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("The request needs a JSON body"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"flow\":\"dreamfactory.backup\",\"instanceId\":\"abc\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("'instanceId' has a value of the wrong type or an unknown choice"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.APPLICATION_JSON).content("[{}]"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("The request body is not valid JSON, or not the JSON object this request takes"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"flow\":\"" + MIB + "\"}"))
                .andExpect(status().is(413))
                .andExpect(jsonPath("$.detail").value("The request body is larger than the API takes (1 MiB)"));
        mvc.perform(MockMvcRequestBuilders.post("/api/v1/jobs/plan").header("Authorization", admin)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"flow\":\"dreamfactory.backup\",\"instanceId\":"
                                + instance.getId() + ",\"options\":{\"ref\":\"" + LONG + "\"}}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.ref").value("Option 'ref' is 1000 characters at most"));
    }

    private void walk(Endpoint endpoint) throws Exception {
        List<String> variables = new ArrayList<>();
        Matcher m = PATH_VARIABLE.matcher(endpoint.pattern());
        while (m.find()) {
            variables.add(m.group(1));
        }
        Map<String, Class<?>> params = new LinkedHashMap<>();
        List<String> headers = new ArrayList<>();
        Class<?> bodyType = null;
        for (MethodParameter p : endpoint.handler().getMethodParameters()) {
            p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
            RequestParam param = p.getParameterAnnotation(RequestParam.class);
            if (param != null && !Map.class.isAssignableFrom(p.getParameterType())) {
                params.put(!param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value()
                        : p.getParameterName(), p.getParameterType());
            }
            RequestHeader header = p.getParameterAnnotation(RequestHeader.class);
            if (header != null) {
                headers.add(!header.name().isEmpty() ? header.name() : header.value());
            }
            if (p.hasParameterAnnotation(RequestBody.class)) {
                bodyType = p.getParameterType();
            }
            if (p.hasParameterAnnotation(PathVariable.class)) {
                assertThat(variables).as(endpoint + ": its path variables").isNotEmpty();
            }
        }

        // the path: an existing id, an unknown one, the wrong type, negative, oversized
        List<String> existing = variables.stream().map(v -> existing(endpoint.pattern(), v)).toList();
        for (String value : variables.isEmpty() ? List.<String>of() : List.of("424242", "abc", "-1", " ", MIB)) {
            call(endpoint, "path " + shorten(value), variables.stream().map(v -> value).toList(), r -> r);
        }
        call(endpoint, "nothing", existing, r -> r);

        // query parameters and headers: each with the wrong type, negative, empty, oversized, overflowing
        for (String name : params.keySet()) {
            for (String value : List.of("abc", "-1", "", MIB, "99999999999999999999", "[]")) {
                call(endpoint, "?" + name + "=" + shorten(value), existing, r -> r.param(name, value));
            }
        }
        for (String name : headers) {
            for (String value : List.of("abc", "-1", MIB)) {
                call(endpoint, name + ": " + shorten(value), existing, r -> r.header(name, value));
            }
        }

        // bodies: none at all, the wrong media type, not JSON, the wrong JSON shape
        if (endpoint.method() != HttpMethod.GET) {
            call(endpoint, "text/plain body", existing, r -> r.contentType(MediaType.TEXT_PLAIN).content("abc"));
            call(endpoint, "no content type", existing, r -> r.content("{}"));
            for (String body : List.of("", "{", "[]", "\"abc\"", "42", "null", "{}", "[{}]", "\"" + MIB + "\"")) {
                call(endpoint, "body " + shorten(body), existing,
                        r -> r.contentType(MediaType.APPLICATION_JSON).content(body));
            }
        }
        if (bodyType != null) {
            Map<String, Class<?>> fields = fields(bodyType);
            for (Map.Entry<String, Class<?>> field : fields.entrySet()) {
                for (String value : wrongValues(field.getValue())) {
                    Map<String, Object> alone = new LinkedHashMap<>();
                    alone.put(field.getKey(), RAW.apply(value));
                    call(endpoint, "body {" + field.getKey() + ": " + shorten(value) + "}", existing,
                            r -> r.contentType(MediaType.APPLICATION_JSON).content(body(alone)));
                    Map<String, Object> base = plausible(fields);
                    if (!base.isEmpty()) {
                        base.put(field.getKey(), RAW.apply(value));
                        call(endpoint, "plausible body with " + field.getKey() + ": " + shorten(value), existing,
                                r -> r.contentType(MediaType.APPLICATION_JSON).content(body(base)));
                    }
                }
            }
        }
    }

    /** A JSON value written as is. */
    private record Raw(String json) {
    }

    private static final java.util.function.Function<String, Object> RAW = Raw::new;

    private static String body(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((name, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":").append(value instanceof Raw raw ? raw.json() : value);
        });
        return out.append('}').toString();
    }

    /** The JSON fields a body type binds: a record's components, a bean's setters. */
    private static Map<String, Class<?>> fields(Class<?> type) {
        Map<String, Class<?>> fields = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                fields.put(c.getName(), c.getType());
            }
            return fields;
        }
        for (Method method : type.getMethods()) {
            if (method.getName().startsWith("set") && method.getName().length() > 3 && method.getParameterCount() == 1
                    && !Modifier.isStatic(method.getModifiers())) {
                String name = Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
                fields.put(name, method.getParameterTypes()[0]);
            }
        }
        return fields;
    }

    private static boolean numeric(Class<?> type) {
        return Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class && type != char.class);
    }

    /** Values of the wrong type or size for a field of this type, as JSON. */
    private static List<String> wrongValues(Class<?> type) {
        if (numeric(type)) {
            return List.of("\"abc\"", "-1", "99999999999999999999", "[]", "{}", "\"" + MIB + "\"");
        }
        if (type == boolean.class || type == Boolean.class) {
            return List.of("\"abc\"", "[]", "{}");
        }
        if (type.isEnum()) {
            return List.of("\"NOPE\"", "[]", "{}", "42");
        }
        if (Map.class.isAssignableFrom(type)) {
            return List.of("\"abc\"", "[]", "{\"k\":{}}", "{\"k\":null}", "{\"k\":\"" + MIB + "\"}",
                    "{\"k\":\"" + LONG + "\"}", "{\"" + LONG + "\":\"v\"}");
        }
        if (type == String.class) {
            return List.of("{}", "[]", "12345", "\"\"", "\"abc\"", "\"" + MIB + "\"", "\"" + LONG + "\"",
                    "\"line\\nbreak\"");
        }
        return List.of("\"abc\"", "[]", "{}");
    }

    /**
     * A body that passes as far as it can, so a bad field is judged by the handler, not by a missing neighbour:
     * values for the field names the API uses, left out for others.
     */
    private Map<String, Object> plausible(Map<String, Class<?>> fields) {
        Map<String, Supplier<Object>> known = new LinkedHashMap<>();
        known.put("flow", () -> "\"dreamfactory.backup\"");
        known.put("instanceId", () -> instance.getId());
        known.put("options", () -> new Raw("{}"));
        known.put("planDigest", () -> "\"" + "0".repeat(64) + "\"");
        known.put("fingerprint", () -> "\"SHA256:abc\"");
        known.put("fromStep", () -> 1);
        known.put("name", () -> "\"walk-" + names.incrementAndGet() + "-" + System.nanoTime() % 100000 + "\"");
        known.put("sshHost", () -> "\"" + server.host() + "\"");
        known.put("sshPort", () -> server.port());
        known.put("sshUser", () -> "\"" + server.user() + "\"");
        known.put("sshAuth", () -> "\"PASSWORD\"");
        known.put("sshPassword", () -> "\"" + server.password() + "\"");
        known.put("installPath", () -> "\"" + instance.getInstallPath() + "\"");
        known.put("productSettings", () -> new Raw("{\"webServer\": \"NONE\"}"));
        Map<String, Object> body = new LinkedHashMap<>();
        for (String field : fields.keySet()) {
            Supplier<Object> value = known.get(field);
            if (value != null) {
                Object v = value.get();
                body.put(field, v instanceof Raw ? v : new Raw(String.valueOf(v)));
            }
        }
        return body;
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 12) + "…(" + value.length() + " chars)";
    }

    private void call(Endpoint endpoint, String what, List<String> pathValues,
            java.util.function.UnaryOperator<MockHttpServletRequestBuilder> input) throws Exception {
        MockHttpServletRequestBuilder request = MockMvcRequestBuilders.request(endpoint.method(),
                endpoint.pattern().replaceAll("\\{([^}:]+)(?::[^}]*)?}", "{$1}"), pathValues.toArray())
                .header("Authorization", admin);
        String label = endpoint + " with " + what;
        requests.incrementAndGet();
        MvcResult result;
        try {
            result = mvc.perform(input.apply(request)).andReturn();
        } catch (Exception e) {
            failures.add(label + ": threw " + e);
            return;
        }
        int status = result.getResponse().getStatus();
        statuses.merge(status, 1, Integer::sum);
        String body = result.getResponse().getContentType() == null
                || result.getResponse().getContentType().contains("event-stream") ? ""
                : result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        if (status >= 500) {
            failures.add(label + ": " + status + " " + body.substring(0, Math.min(300, body.length())).replace('\n', ' '));
            return;
        }
        if (status < 400) {
            return;
        }
        String type = result.getResponse().getContentType();
        if (type == null || !MediaType.parseMediaType(type).isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)) {
            failures.add(label + ": " + status + " answered " + type + " instead of application/problem+json");
            return;
        }
        JsonNode problem = json.readTree(body);
        String detail = problem.path("detail").asString("");
        if (detail.isBlank() || detail.contains("\n") || detail.length() > 500 || CLASS_NAME.matcher(detail).find()) {
            failures.add(label + ": " + status + " detail " + detail.substring(0, Math.min(300, detail.length())));
        }
    }
}
