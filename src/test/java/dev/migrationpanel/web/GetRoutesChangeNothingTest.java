package dev.migrationpanel.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.mockingDetails;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;
import org.mockito.invocation.Invocation;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.database.InstanceDbConnection;
import dev.migrationpanel.instance.FakeInstall;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceCheckService;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.Flow;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.job.JobStatus;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.remote.SshConnector;
import dev.migrationpanel.remote.TestSshServer;
import dev.migrationpanel.security.PanelUser;
import dev.migrationpanel.security.Role;
import dev.migrationpanel.security.UserService;

/**
 * No GET changes anything: every GET route Spring's handler mapping knows (pages and {@code /api/v1}, a route
 * added later is walked without being named here) is called as an ADMIN with the ids of real fixtures, with
 * unknown ids, and with and without the query parameters it takes; no call may open an SSH session (counted at
 * {@link SshConnector}, the one way the panel connects, and by the test SSH server itself), open a JDBC
 * connection to an instance's DB, start, resume, continue or cancel a job, change a row of any of the panel's
 * tables, or answer a server error. The one write a GET makes is the audit trail's record of an artifact
 * download (who took a copy of a backup), allowed for the artifact download routes only.
 */
@SpringBootTest
@AutoConfigureMockMvc
class GetRoutesChangeNothingTest {

    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");
    private static final String UNKNOWN = "987654321";
    /** db-scheduler's bookkeeping columns of an execution; which executions exist is compared. */
    private static final Set<String> SCHEDULER_KEYS = Set.of("TASK_NAME", "TASK_INSTANCE");
    private static final String AUDIT = "AUDIT_EVENT";

    @MockitoSpyBean
    SshConnector ssh;
    @MockitoSpyBean
    InstanceConnections connections;
    @MockitoSpyBean
    JobService jobs;

    @Autowired
    MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    InstanceService instances;
    @Autowired
    InstanceCheckService checks;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    UserService users;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    List<Flow> flows;

    @TempDir
    Path tmp;
    TestSshServer server;
    Instance source;
    Instance target;
    PanelUser admin;
    final List<Long> jobIds = new ArrayList<>();
    Artifact artifact;
    final List<String> failures = new ArrayList<>();
    final Map<Integer, Integer> statuses = new TreeMap<>();
    int calls;
    /** The panel's tables after the previous call: the state the next one starts from. */
    Map<String, String> last;

    record Route(String pattern, HandlerMethod handler) {
        @Override
        public String toString() {
            return "GET " + pattern;
        }

        boolean downloadsAnArtifact() {
            return handler.getBeanType().getPackageName().equals("dev.migrationpanel.artifact")
                    && handler.getMethod().getName().equals("download");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        server = TestSshServer.startDefault("deploy", "get-walk-pw");
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("get-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        try {
            admin = users.create("get-admin", Role.ADMIN, "long-enough-password", "long-enough-password");
            Path sourceInstall = FakeInstall.create(tmp.resolve("source"), FakeInstall.sqliteEnv());
            FakeInstall.addInstallerTables(sourceInstall);
            Path targetInstall = FakeInstall.create(tmp.resolve("target"), FakeInstall.sqliteEnv());
            FakeInstall.addInstallerTables(targetInstall);
            var form = TestInstances.passwordForm("get-source", server, sourceInstall);
            form.getProductSettings().put("webUser", "www-data");
            form.getProductSettings().put("webGroup", "www-data");
            source = instances.create(form);
            target = instances.create(TestInstances.passwordForm("get-target", server, targetInstall));
            TestInstances.pinHostKey(jdbc, source.getId(), server.hostKey());
            TestInstances.pinHostKey(jdbc, target.getId(), server.hostKey());
            checks.check(source.getId());
            // a finished job of every registered flow (their pages offer follow-ups) and one of no flow
            List<String> flowIds = new ArrayList<>(flows.stream().map(Flow::id).toList());
            flowIds.add("test.get-walk");
            for (String flow : flowIds) {
                Job job = jobs.start(new Plan(flow, "Walk " + flow, source.getId(), source.getName(), List.of(
                        new Step("Confirm", null, null, false, new StepSpec.Gate("Ready?"), Duration.ofHours(1), null),
                        new Step("Echo", source.getId(), source.getName(), false, new StepSpec.RemoteCommand("echo walked"),
                                Duration.ofSeconds(30), null)),
                        Map.of("target", String.valueOf(target.getId()), "stash", "true", "ref", "master")));
                awaitStatus(job.getId(), JobStatus.WAITING);
                jobs.cancel(job.getId());
                awaitStatus(job.getId(), JobStatus.CANCELLED);
                jobIds.add(job.getId());
            }
            artifact = artifacts.write(new ArtifactSpec(jobIds.get(0), source.getId(), 1, "walk.txt", ArtifactKind.OTHER,
                    "text/plain", false), new ByteArrayInputStream("walked".getBytes(StandardCharsets.UTF_8)));
        } finally {
            SecurityContextHolder.clearContext();
        }
        awaitNoExecution();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
    }

    private void awaitStatus(long id, JobStatus status) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (jobs.get(id).getStatus() != status && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        assertThat(jobs.get(id).getStatus()).as("job #" + id).isEqualTo(status);
    }

    /** The fixtures' jobs have left db-scheduler's table, so that the walk sees a quiet panel. */
    private void awaitNoExecution() throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (jdbc.queryForObject("select count(*) from scheduled_tasks where task_name = 'run-job'", Integer.class) > 0
                && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
    }

    private List<Route> getRoutes() {
        List<Route> found = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
            if (methods.isEmpty() || methods.contains(RequestMethod.GET)) {
                e.getKey().getPatternValues().forEach(p -> found.add(new Route(p, e.getValue())));
            }
        }
        found.sort(java.util.Comparator.comparing(Route::pattern));
        return found;
    }

    @Test
    void noGetRouteReachesAnInstanceStartsAJobOrChangesThePanelsDb() throws Exception {
        List<Route> routes = getRoutes();
        assertThat(routes).extracting(Route::toString).contains("GET /instances/{id}/upgrade", "GET /instances/{id}/migrate",
                "GET /instances/{instanceId}/flows/{flowId}", "GET /api/v1/flows", "GET /jobs/{id}/log/stream",
                "GET /jobs/{jobId}/artifacts/{id}", "GET /api/v1/instances/{id}/check");
        // the seams are watched: the fixtures' check and jobs went through them
        assertThat(server.sessionsOpened()).as("the fixtures' check reached the SSH server").isPositive();
        assertThat(invoked(ssh, "open")).as("SshConnector is the spy").isNotEmpty();
        assertThat(invoked(jobs, "start")).as("JobService is the spy").isNotEmpty();
        long started = System.nanoTime();
        // JDBC to an instance's DB, watched where it is opened (in the request's thread)
        try (MockedStatic<InstanceDbConnection> opens = mockStatic(InstanceDbConnection.class, CALLS_REAL_METHODS)) {
            for (Route route : routes) {
                for (String uri : uris(route)) {
                    call(route, uri, opens);
                }
            }
        }
        System.out.printf("GET walk: %d calls over %d GET routes %s in %.1f s; answers by status: %s%n", calls,
                routes.size(), routes, (System.nanoTime() - started) / 1e9, statuses);
        assertThat(failures).as(failures.size() + " of " + calls + " calls:\n" + String.join("\n", failures)).isEmpty();
    }

    /** Every combination of the path's variables, each without and with the query parameters the handler takes. */
    private List<String> uris(Route route) {
        List<String> variables = new ArrayList<>();
        Matcher m = PATH_VARIABLE.matcher(route.pattern());
        while (m.find()) {
            variables.add(m.group(1));
        }
        List<String> paths = List.of(route.pattern());
        for (String variable : variables) {
            List<String> next = new ArrayList<>();
            for (String path : paths) {
                for (String value : values(route.pattern(), variable)) {
                    next.add(path.replaceFirst("\\{" + Pattern.quote(variable) + "(?::[^}]*)?}", Matcher.quoteReplacement(value)));
                }
            }
            paths = next;
        }
        String query = query(route);
        List<String> uris = new ArrayList<>();
        for (String path : paths) {
            uris.add(path);
            if (!query.isEmpty()) {
                uris.add(path + "?" + query);
            }
        }
        return uris;
    }

    /** Ids that exist for the resource the path names, and one that does not. */
    private List<String> values(String pattern, String variable) {
        List<String> values = new ArrayList<>();
        if (variable.equals("flowId") || variable.equals("flow")) {
            flows.forEach(f -> values.add(f.id()));
            values.add("no.such-flow");
            return values;
        }
        if (pattern.contains("/artifacts/{" + variable)) {
            return List.of(artifact.getId(), "00000000-0000-0000-0000-000000000000");
        }
        if (variable.equals("jobId") || pattern.matches("(/api/v1)?/jobs/\\{" + variable + "}.*")) {
            // the job itself: one of every flow (their pages differ by flow); its log and artifacts: the first
            if (pattern.matches("(/api/v1)?/jobs/\\{" + variable + "}")) {
                jobIds.forEach(id -> values.add(String.valueOf(id)));
            } else {
                values.add(String.valueOf(jobIds.get(0)));
            }
            values.add(UNKNOWN);
            return values;
        }
        if (pattern.matches("(/api/v1)?/instances/\\{" + variable + "}.*")) {
            return List.of(String.valueOf(source.getId()), String.valueOf(target.getId()), UNKNOWN);
        }
        if (pattern.startsWith("/admin/users/")) {
            return List.of(String.valueOf(admin.getId()), UNKNOWN);
        }
        return List.of("1", UNKNOWN);
    }

    /** The query parameters the handler reads, with sensible values: a flow's options, the instance, a target. */
    private String query(Route route) {
        Map<String, String> params = new LinkedHashMap<>();
        for (MethodParameter p : route.handler().getMethodParameters()) {
            RequestParam param = p.getParameterAnnotation(RequestParam.class);
            if (param == null) {
                continue;
            }
            if (Map.class.isAssignableFrom(p.getParameterType())) {
                params.put("option.target", String.valueOf(target.getId()));
                params.put("option.job", String.valueOf(jobIds.get(0)));
                params.put("option.ref", "master");
                continue;
            }
            p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
            String name = !param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value() : p.getParameterName();
            switch (name) {
                case "instanceId" -> params.put(name, String.valueOf(source.getId()));
                case "target" -> params.put(name, String.valueOf(target.getId()));
                case "flow" -> params.put(name, flows.get(0).id());
                case "after", "page" -> params.put(name, "0");
                case "limit" -> params.put(name, "5");
                default -> {
                    // left out: the handler's default applies
                }
            }
        }
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining("&"));
    }

    private void call(Route route, String uri, MockedStatic<InstanceDbConnection> jdbcOpens) throws Exception {
        Map<String, String> before = last != null ? last : panelDb();
        int sessionsBefore = server.sessionsOpened();
        org.mockito.Mockito.clearInvocations(ssh, connections, jobs);
        jdbcOpens.clearInvocations();
        calls++;
        MockHttpServletRequestBuilder request = MockMvcRequestBuilders.get(uri).with(user(admin.getUsername()).roles("ADMIN"));
        MvcResult result = mvc.perform(request).andReturn();
        if (result.getRequest().isAsyncStarted()) {
            try {
                result.getAsyncResult(3_000); // a live log stream: it may not change anything while it streams either
            } catch (IllegalStateException stillStreaming) {
                // the stream stays open: what it did so far is compared below
            }
        }
        int status = result.getResponse().getStatus();
        try {
            jdbcOpens.verify(() -> InstanceDbConnection.open(any(), any(), anyInt()), org.mockito.Mockito.never());
        } catch (AssertionError e) {
            failures.add(route + " as " + uri + " opened a JDBC connection to an instance's DB");
        }
        statuses.merge(status, 1, Integer::sum);
        // Spring Boot's error page answers the status of the error it shows: called by itself, there is none (500)
        if (status >= 500 && !route.pattern().equals("/error")) {
            failures.add(route + " as " + uri + " answered " + status);
        }
        List<String> reached = new ArrayList<>();
        invoked(ssh, "open").forEach(i -> reached.add("SshConnector.open"));
        invoked(connections, "openSsh", "openDb").forEach(i -> reached.add("InstanceConnections." + i.getMethod().getName()));
        invoked(jobs, "start", "resume", "continueAtGate", "cancel").forEach(i -> reached.add("JobService." + i.getMethod().getName()));
        int sessions = server.sessionsOpened() - sessionsBefore;
        if (sessions > 0) {
            reached.add(sessions + " session(s) on the SSH server");
        }
        if (!reached.isEmpty()) {
            failures.add(route + " as " + uri + " reached " + reached);
        }
        Map<String, String> after = panelDb();
        last = after;
        Set<String> changed = new TreeSet<>();
        before.forEach((table, digest) -> {
            if (!digest.equals(after.get(table)) && !(route.downloadsAnArtifact() && table.equals(AUDIT))) {
                changed.add(table);
            }
        });
        if (!changed.isEmpty() || !after.keySet().equals(before.keySet())) {
            failures.add(route + " as " + uri + " changed the panel's tables " + changed);
        }
    }

    private static List<Invocation> invoked(Object spy, String... methods) {
        Set<String> names = Set.of(methods);
        return mockingDetails(spy).getInvocations().stream().filter(i -> names.contains(i.getMethod().getName())).toList();
    }

    /**
     * Every table of the panel's DB, found in its catalog (a table added later is compared too), as its row
     * count and a digest of every row. Of db-scheduler's table only which executions exist counts, not their
     * heartbeat. The audit trail is there twice: whole, and without its records of artifact downloads (what the
     * download routes are compared on).
     */
    private Map<String, String> panelDb() throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%",
                new String[] {"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        assertThat(tables).as("the panel's tables").map(String::toLowerCase).contains("job", "instance", "audit_event");
        Map<String, String> digests = new TreeMap<>();
        for (String table : tables) {
            digests.put(table, digest(table, "select * from \"" + table + "\""));
        }
        digests.put(AUDIT + " but artifact downloads",
                digest(AUDIT, "select * from " + AUDIT + " where action <> 'artifact.downloaded'"));
        return digests;
    }

    /** The row count and a digest of every row the query finds, in any order. */
    private String digest(String table, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> row : jdbc.queryForList(sql)) {
            StringBuilder line = new StringBuilder();
            row.forEach((column, value) -> {
                if (!table.equalsIgnoreCase("scheduled_tasks") || SCHEDULER_KEYS.contains(column.toUpperCase())) {
                    line.append(column).append('=')
                            .append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value))
                            .append('\u0001');
                }
            });
            rows.add(line.toString());
        }
        rows.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        rows.forEach(r -> sha.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
        return rows.size() + " rows " + HexFormat.of().formatHex(sha.digest());
    }
}
