package dev.migrationpanel.restore;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.migrationpanel.web.NotFoundException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The test-restores' outcomes, kept with their artifacts: recorded by the check, read by the backups page. */
@Service
public class TestRestores {

    private final TestRestoreRepository repository;
    private final JsonMapper json;

    TestRestores(TestRestoreRepository repository, JsonMapper json) {
        this.repository = repository;
        this.json = json;
    }

    @Transactional
    TestRestore record(String artifactId, long jobId, Long instanceId, String scratch, Instant started, Instant finished,
            TestRestore.Result result, String reason, List<TableCount> tables) {
        return repository.save(new TestRestore(artifactId, jobId, instanceId, scratch, started, finished, result, reason,
                json.writeValueAsString(tables)));
    }

    /** The latest test-restore of each of these artifacts that has one. */
    @Transactional(readOnly = true)
    public Map<String, TestRestore> latest(Collection<String> artifactIds) {
        Map<String, TestRestore> latest = new LinkedHashMap<>();
        if (!artifactIds.isEmpty()) {
            for (TestRestore r : repository.findByArtifactIdInOrderByIdDesc(artifactIds)) {
                latest.putIfAbsent(r.getArtifactId(), r);
            }
        }
        return latest;
    }

    @Transactional(readOnly = true)
    public TestRestore get(long id) {
        return repository.findById(id).orElseThrow(() -> new NotFoundException("No test-restore " + id));
    }

    @Transactional(readOnly = true)
    public List<TestRestore> forJob(long jobId) {
        return repository.findByJobId(jobId);
    }

    public List<TableCount> tables(TestRestore restore) {
        String text = restore.getTablesJson();
        return text == null || text.isBlank() ? List.of() : json.readValue(text, new TypeReference<List<TableCount>>() { });
    }
}
