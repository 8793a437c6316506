package dev.migrationpanel.dreamfactory;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.instance.InstanceConnections;
import dev.migrationpanel.instance.InstanceService;
import dev.migrationpanel.instance.TestInstances;
import dev.migrationpanel.job.FlowService;
import dev.migrationpanel.job.Job;
import dev.migrationpanel.job.JobService;
import dev.migrationpanel.lab.Lab;
import dev.migrationpanel.lab.LabJobs;
import dev.migrationpanel.remote.SshSession;

/**
 * What the DreamFactory flows' lab tests share: an admin signed in, lab instances registered with their
 * host key pinned, a flow reviewed and started as the wizard does, a job awaited to its end.
 */
abstract class LabFlowTestSupport {

    @Autowired
    InstanceService instances;
    @Autowired
    InstanceConnections connections;
    @Autowired
    FlowService flows;
    @Autowired
    JobService jobs;
    @Autowired
    ArtifactStore artifacts;
    @Autowired
    JdbcTemplate jdbc;

    final Lab lab = Lab.get();

    @BeforeEach
    void signInAsAdmin() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("lab-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    /** Registers a lab install as its owner with one of its keys; {@code reset} rebuilds it first. */
    Instance register(String labInstance, String keyType, boolean reset) {
        if (reset) {
            Lab.reset(labInstance);
        }
        Instance instance = instances.create(TestInstances.labForm(lab, labInstance, labInstance, keyType));
        TestInstances.pinLabHostKey(jdbc, instance.getId(), lab);
        return instances.get(instance.getId());
    }

    /** Reviews the flow's plan and starts it with the digest shown, as the review page does. */
    Job start(String flow, long instanceId, Map<String, String> options) {
        FlowService.Review review = flows.review(flow, instanceId, options);
        return flows.start(flow, instanceId, review.plan().options(), review.digest());
    }

    Job await(long jobId, Duration atMost) throws InterruptedException {
        return LabJobs.settled(jobs, jobId, atMost);
    }

    Job run(String flow, long instanceId, Map<String, String> options) throws InterruptedException {
        return await(start(flow, instanceId, options).getId(), Duration.ofMinutes(3));
    }

    /** How a migration's proof report is named: the target's name, then this. */
    static final String PROOF_REPORT = "-migration-proof.txt";

    /** The text of the job's newest artifact whose name ends with {@code suffix} (e.g. {@link #PROOF_REPORT}); null if none. */
    String artifactText(long jobId, String suffix) throws java.io.IOException {
        java.util.Optional<dev.migrationpanel.artifact.Artifact> artifact = artifacts.forJob(jobId).stream()
                .filter(a -> a.getName().endsWith(suffix))
                .max(java.util.Comparator.comparing(dev.migrationpanel.artifact.Artifact::getCreatedAt));
        if (artifact.isEmpty()) {
            return null;
        }
        try (java.io.InputStream in = artifacts.open(artifact.get().getId())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * The rows holding the lab's Laravel-encrypted values (lab:populate): private lookups' values (whole columns), the
     * JSON of sql_db_config.connection, email_config's username and password.
     */
    static final String LAB_ENCRYPTED_ROWS = "SELECT value FROM lookup UNION ALL SELECT connection FROM sql_db_config UNION ALL SELECT username FROM "
            + "email_config UNION ALL SELECT password FROM email_config";

    /** The encrypted strings of {@link #LAB_ENCRYPTED_ROWS}' rows: a JSON document's username and password, else the row. */
    static java.util.List<String> encryptedStrings(java.util.List<String> rows) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (String row : rows) {
            if (row.startsWith("{")) {
                Map<?, ?> json = tools.jackson.databind.json.JsonMapper.builder().build().readValue(row, Map.class);
                values.add((String) json.get("username"));
                values.add((String) json.get("password"));
            } else {
                values.add(row);
            }
        }
        return values;
    }

    /** A command's standard output, trimmed, run over the instance's own SSH login. */
    String ssh(Instance instance, String command) {
        try (SshSession ssh = connections.openSsh(instance)) {
            return ssh.run(command, Duration.ofSeconds(60)).stdout().trim();
        }
    }
}
